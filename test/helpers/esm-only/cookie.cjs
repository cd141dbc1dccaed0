// Replaced by ./transform.js with the 'cookie' package bundled to CommonJS (jest only).
