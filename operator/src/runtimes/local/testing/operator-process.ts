// Run with `node operator-process.ts <stateDir> <botId>`: a stand-in operator that creates one
// bot, prints the instance as JSON, then waits to be killed (the bot must outlive it).
import { desiredInstance } from '../../testing/desired-instance.ts';
import { createLocalRuntime } from '../local-runtime.ts';
import { fixtureCommand } from './fixtures.ts';

const [stateDir, botId] = process.argv.slice(2);
if (stateDir === undefined || botId === undefined) throw new Error('usage: <stateDir> <botId>');
const runtime = createLocalRuntime({ stateDir, command: fixtureCommand });
const created = await runtime.create(desiredInstance(botId));
process.stdout.write(`${JSON.stringify(created)}\n`);
setInterval(() => undefined, 1000);
