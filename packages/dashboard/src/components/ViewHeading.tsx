import { useEffect, useRef } from 'react';

const APP_NAME = 'MDM Enrollment Gateway';

/**
 * A view's `<h1>`: sets the page title to "<title> · MDM Enrollment Gateway" and moves focus to
 * the heading when the view opens, so a screen reader announces the new view.
 */
export function ViewHeading({
  id,
  children,
  title,
}: {
  id: string;
  children: React.ReactNode;
  title: string;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${APP_NAME}`;
  }, [title]);
  useEffect(() => {
    // Only when the view opens, not on every title change (a device name loading).
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 id={id} ref={heading} tabIndex={-1}>
      {children}
    </h1>
  );
}
