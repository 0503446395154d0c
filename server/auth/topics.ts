/** Per-session topic: every open tab of that session listens here (ended, re-auth, …). */
export const sessionTopic = (sessionId: string) => `session:${sessionId}`;
export const userTopic = (userId: number) => `user:${userId}`;
