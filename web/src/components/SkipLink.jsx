// The first control on every page: skips the header to the main content
// (WCAG 2.4.1), moving focus there.
export function SkipLink() {
  return (
    <a
      class="skip-link"
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        const m = document.getElementById('main');
        if (m) m.focus();
      }}
    >
      Skip to main content
    </a>
  );
}
