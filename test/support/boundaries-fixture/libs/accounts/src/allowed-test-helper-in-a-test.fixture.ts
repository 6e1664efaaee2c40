import '../../../test/support/helper.js';

export const testsMayUseHelpers = true;
