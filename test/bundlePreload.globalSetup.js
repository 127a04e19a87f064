'use strict';
// Preloaded test processes run packages/node/dist/preload.bundle.js, and the web view's tests
// serve packages/ui/dist/page: both rebuilt from the sources before the tests, so after an edit
// and `tsc -b` alone they still run what the sources say.
const { bundlePreload } = require('../packages/node/scripts/bundlePreload');
const { bundlePage } = require('../packages/ui/scripts/bundlePage');

module.exports = async () => {
  await Promise.all([bundlePreload(), bundlePage()]);
};
