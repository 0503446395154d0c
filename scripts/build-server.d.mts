import type { BuildOptions } from 'esbuild';

export const ROOT: string;
export const SERVER_OUT: string;
export const SERVER_MAIN: string;
export const SERVER_SOURCES: string[];
export const SERVER_BUILD_OPTIONS: BuildOptions;
export function buildServer(): Promise<string[]>;
