// Heading block every screen opens with; focusable so navigation moves focus to it; renderer.
import type { ReactNode } from 'react';

export function ScreenHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header>
      <h1 tabIndex={-1}>{title}</h1>
      {children ? <p className="lede">{children}</p> : null}
    </header>
  );
}
