/** Areas whose issues are still open show what is coming instead of a blank page. */
export default function PlaceholderPage(props: { title: string }) {
  return (
    <>
      <h1>{props.title}</h1>
      <p class="muted">This area is being built. Your service provider will enable it soon.</p>
    </>
  );
}
