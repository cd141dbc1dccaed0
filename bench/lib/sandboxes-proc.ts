/**
 * Both sandboxes in a child process of their own (bench/connect-cycles.ts): what they keep of a thousand seeded
 * shops must not count in the heap the bench measures. Tells its parent the URLs over IPC; ends with the parent.
 */
import { startHaravanSandbox } from '../../sandbox/haravan/app';
import { startTikiSandbox } from '../../sandbox/tiki/app';

async function main(): Promise<void> {
  const [haravanPort, tikiPort] = process.argv.slice(2).map(Number);
  const haravan = await startHaravanSandbox(haravanPort || 0);
  const tiki = await startTikiSandbox(tikiPort || 0);
  process.send?.({ haravanUrl: haravan.url, tikiUrl: tiki.url });
  process.on('disconnect', () => {
    void Promise.all([haravan.close(), tiki.close()]).finally(() => process.exit(0));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
