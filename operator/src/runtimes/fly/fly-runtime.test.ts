import { describeRuntimeContract } from '../runtime-contract.ts';
import { flyUnderTest, machineOutputContains, SIM_IMAGES } from './testing/sim-harness.ts';
import type { FlyUnderTest } from './testing/sim-harness.ts';

// The sim of the running test, for the stubborn check (the contract passes only the runtime).
let current: FlyUnderTest | undefined;

describeRuntimeContract(
  'fly (fly-sim, every call checked against the OpenAPI document)',
  async () => {
    current = await flyUnderTest();
    return current;
  },
  {
    settleTimeoutMs: 15_000,
    stubborn: {
      desired: { image: SIM_IMAGES.stubborn },
      whenIgnoring: (runtime, botId) => {
        if (!current) throw new Error('no sim is running');
        return machineOutputContains(current.sim, runtime, botId, 'ready');
      },
    },
  },
);
