/** The encryption key of the payloads in the committed histories (a test key, used only by the recorder and the replay test). */
export const REPLAY_ENCRYPTION_KEY = 'replay-histories-key-0123456789abcdef';
