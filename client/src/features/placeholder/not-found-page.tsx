import { A } from '@solidjs/router';

export default function NotFoundPage() {
  return (
    <>
      <h1>Page not found</h1>
      <p>The page you asked for does not exist.</p>
      <p><A href="/">Go to Home</A></p>
    </>
  );
}
