'use strict';
// Preloaded test processes run packages/node/dist/preload.bundle.js: rebuilt from the sources before
// the tests, so after an edit and `tsc -b` alone they still run what the sources say.
const { bundlePreload } = require('../packages/node/scripts/bundlePreload');

module.exports = async () => {
  await bundlePreload();
};
