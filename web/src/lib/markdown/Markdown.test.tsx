import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { Markdown } from './Markdown.tsx';
import { parseInline, parseMarkdown, safeHref } from './parse.ts';

const html = (text: string) => render(<Markdown text={text} />).container.innerHTML;

describe('Markdown safety', () => {
  it('shows HTML tags as text instead of injecting them', () => {
    const { container } = render(<Markdown text={'<script>alert(1)</script> <img src=x onerror="alert(2)"> <b>bold</b>'} />);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toContain('<script>alert(1)</script>');
    expect(container.textContent).toContain('<img src=x onerror="alert(2)">');
  });

  it('never links to script or data URLs', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '/relative/path',
    ]) {
      const { container } = render(<Markdown text={`[click](${href})`} />);
      expect(container.querySelector('a')).toBeNull();
      expect(container.textContent).toContain('click');
    }
    expect(safeHref('java\u0000script:alert(1)')).toBeNull();
  });

  it('makes safe links open in a new tab without an opener', () => {
    const { container } = render(<Markdown text="See [the docs](https://example.com/a?b=1) or <mailto:ops@example.com>." />);
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(2);
    expect(links[0]!.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(links[0]!.getAttribute('rel')).toContain('noopener');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[1]!.getAttribute('href')).toBe('mailto:ops@example.com');
  });

  it('turns images into links rather than loading them', () => {
    const { container } = render(<Markdown text="![a cat](https://example.com/cat.png)" />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('a')?.textContent).toBe('a cat');
  });

  it('keeps attribute-breaking characters inside text', () => {
    const out = html('[x](https://example.com/"onmouseover="alert(1))');
    expect(out).not.toMatch(/onmouseover="alert/);
  });
});

describe('Markdown rendering', () => {
  it('renders code blocks with their language and keeps content verbatim', () => {
    const { container } = render(<Markdown text={'Run:\n\n```bash\necho "<hi>" && ls *.ts\n```\nDone'} />);
    const code = container.querySelector('pre code')!;
    expect(code.className).toBe('language-bash');
    expect(code.textContent).toBe('echo "<hi>" && ls *.ts');
    expect(container.querySelector('.md-code-bar')?.textContent).toContain('bash');
    expect(container.textContent).toContain('Done');
  });

  it('renders an unclosed fence (mid-stream) as code to the end', () => {
    const blocks = parseMarkdown('text\n```js\nconst a = 1;\nconst b');
    expect(blocks.at(-1)).toEqual({ kind: 'code', lang: 'js', text: 'const a = 1;\nconst b', closed: false });
  });

  it('renders inline styles, headings, quotes, rules and lists', () => {
    const { container } = render(
      <Markdown text={'# Title\n\nSome **bold**, *em*, ~~gone~~ and `a <b>`.\n\n> quoted\n\n---\n\n- one\n- two\n  - nested\n\n3. three\n4. four'} />,
    );
    expect(container.querySelector('h3')?.textContent).toBe('Title');
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect(container.querySelector('em')?.textContent).toBe('em');
    expect(container.querySelector('del')?.textContent).toBe('gone');
    expect(container.querySelector('p code')?.textContent).toBe('a <b>');
    expect(container.querySelector('blockquote')?.textContent).toBe('quoted');
    expect(container.querySelector('hr')).not.toBeNull();
    expect(container.querySelectorAll('ul > li')).toHaveLength(3);
    expect(container.querySelector('ul ul li')?.textContent).toBe('nested');
    expect(container.querySelector('ol')?.getAttribute('start')).toBe('3');
  });

  it('leaves snake_case and lone asterisks alone', () => {
    expect(parseInline('call my_func_name now')).toEqual([{ kind: 'text', text: 'call my_func_name now' }]);
    expect(parseInline('2 * 3 * 4')).toEqual([{ kind: 'text', text: '2 * 3 * 4' }]);
  });

  it('keeps single line breaks', () => {
    const { container } = render(<Markdown text={'line one\nline two'} />);
    expect(container.querySelectorAll('br')).toHaveLength(1);
  });

  it('supports backslash escapes and bare URLs', () => {
    expect(parseInline('\\*not em\\*')).toEqual([{ kind: 'text', text: '*not em*' }]);
    const nodes = parseInline('visit https://paddock.dev/docs.');
    expect(nodes[1]).toEqual({ kind: 'link', href: 'https://paddock.dev/docs', children: [{ kind: 'text', text: 'https://paddock.dev/docs' }] });
  });
});
