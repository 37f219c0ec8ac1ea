import { describeRuntimeContract } from '../runtime-contract.ts';
import { FIXTURE_IMAGES } from './testing/fixtures.ts';
import { localRuntimeUnderTest, logContains } from './testing/harness.ts';

describeRuntimeContract('local', () => Promise.resolve(localRuntimeUnderTest()), {
  stubborn: {
    desired: { image: FIXTURE_IMAGES.stubborn },
    whenIgnoring: (runtime, botId) => logContains(runtime, botId, 'ready'),
  },
});
