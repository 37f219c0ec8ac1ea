export { startKmsSim, type KmsSim, type KmsSimOptions } from './kms-sim-server.ts';
