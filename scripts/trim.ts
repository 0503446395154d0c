import { trimReply } from '../server/mail-intake/reply-trim';

/*
 * npm run --silent trim < body.txt
 * Prints what the reply trimmer keeps of a plain-text mail body (quotes, signatures and our
 * "reply above this line" marker cut), exactly as mail intake keeps it for a comment.
 */
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
process.stdout.write(`${trimReply(Buffer.concat(chunks).toString('utf8'))}\n`);
