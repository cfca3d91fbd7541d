import { useEffect, useLayoutEffect, useRef } from 'react';

const NEAR_BOTTOM_PX = 160;

function atBottom(): boolean {
  return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - NEAR_BOTTOM_PX;
}

/**
 * Keeps the page scrolled to the newest message while the person is already at the
 * bottom; once they scroll up to read, new tokens no longer pull them down.
 */
export function useStickToBottom(dependency: unknown): void {
  const stick = useRef(true);
  useEffect(() => {
    const onScroll = () => {
      stick.current = atBottom();
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    // Start at the newest message.
    window.scrollTo?.(0, document.documentElement.scrollHeight);
    return () => window.removeEventListener('scroll', onScroll);
  }, []);
  useLayoutEffect(() => {
    if (stick.current) window.scrollTo?.(0, document.documentElement.scrollHeight);
  }, [dependency]);
}
