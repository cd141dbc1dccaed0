// Replaced by ./transform.js with the 'jose' package bundled to CommonJS (jest only).
