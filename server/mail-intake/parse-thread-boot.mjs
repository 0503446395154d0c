// A worker thread does not inherit the main thread's TypeScript loader: register it, then load the thread.
import { register } from 'tsx/esm/api';

register();
await import('./parse-thread.ts');
