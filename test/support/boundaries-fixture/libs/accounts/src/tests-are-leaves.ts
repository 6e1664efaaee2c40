import '../../../test/support/helper.js';

export const usesATestHelper = true;
