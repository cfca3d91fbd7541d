import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { Markdown } from './Markdown.tsx';
import { safeHref } from './safe-url.ts';

const view = (text: string) => render(<Markdown text={text} />).container;

/** Every attribute of every element: none may carry script. */
function attributes(root: Element): string[] {
  return [...root.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => `${el.tagName.toLowerCase()} ${a.name}=${a.value}`));
}

describe('Markdown safety', () => {
  it('shows raw HTML in agent output as text instead of injecting it', () => {
    const container = view('<script>alert(1)</script> <img src=x onerror="alert(2)"> <b>bold</b> <a href="javascript:alert(3)">x</a>');
    for (const tag of ['script', 'img', 'b', 'a']) expect(container.querySelector(tag)).toBeNull();
    expect(container.textContent).toContain('<script>alert(1)</script>');
    expect(container.textContent).toContain('<img src=x onerror="alert(2)">');
    expect(attributes(container).join('\n')).not.toMatch(/onerror|javascript:/i);
  });

  it('keeps an HTML block, inside a table cell too, as text', () => {
    const container = view('<div onclick="alert(1)">\n<iframe src="https://evil.example"></iframe>\n</div>\n\n| a |\n| - |\n| <svg onload=alert(1)> |');
    for (const tag of ['div div', 'iframe', 'svg']) expect(container.querySelector(`.md ${tag}`)).toBeNull();
    expect(container.textContent).toContain('<iframe src="https://evil.example"></iframe>');
    expect(container.querySelector('td')?.textContent).toBe('<svg onload=alert(1)>');
    expect(attributes(container).join('\n')).not.toMatch(/onclick|onload|iframe src/i);
  });

  it('never links to script or data URLs, in any link syntax', () => {
    for (const text of [
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[click](java\tscript:alert(1))',
      '[click](data:text/html,<script>alert(1)</script>)',
      '[click](vbscript:msgbox(1))',
      '[click](/relative/path)',
      '[click][ref]\n\n[ref]: javascript:alert(1)',
      '<javascript:alert(1)>',
      '[click](&#106;avascript:alert(1))',
    ]) {
      const container = view(text);
      expect(container.querySelector('a'), text).toBeNull();
      expect(attributes(container).join('\n'), text).not.toMatch(/javascript|vbscript|data:/i);
    }
    expect(safeHref('java\u0000script:alert(1)')).toBeNull();
  });

  it('makes safe links open in a new tab without an opener', () => {
    const container = view('See [the docs](https://example.com/a?b=1) or <mailto:ops@example.com>.');
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(2);
    expect(links[0]!.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(links[0]!.getAttribute('rel')).toContain('noopener');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[1]!.getAttribute('href')).toBe('mailto:ops@example.com');
  });

  it('turns images into links rather than loading them', () => {
    const container = view('![a cat](https://example.com/cat.png) ![x](javascript:alert(1))');
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelectorAll('a')).toHaveLength(1);
    expect(container.querySelector('a')?.textContent).toBe('a cat');
  });

  it('keeps attribute-breaking characters inside the URL', () => {
    const container = view('[x](https://example.com/"onmouseover="alert(1))');
    expect(container.innerHTML).not.toMatch(/onmouseover="alert/);
  });
});

describe('Markdown rendering', () => {
  it('renders code blocks with their language and keeps content verbatim', () => {
    const container = view('Run:\n\n```bash\necho "<hi>" && ls *.ts\n```\nDone');
    const code = container.querySelector('pre code')!;
    expect(code.className).toBe('language-bash');
    expect(code.textContent).toBe('echo "<hi>" && ls *.ts');
    expect(container.querySelector('.md-code-bar')?.textContent).toContain('bash');
    expect(container.textContent).toContain('Done');
  });

  it('renders inline styles, headings, quotes, rules and lists', () => {
    const container = view('# Title\n\nSome **bold**, *em*, ~~gone~~ and `a <b>`.\n\n> quoted\n\n---\n\n- one\n- two\n  - nested\n\n3. three\n4. four');
    expect(container.querySelector('h3')?.textContent).toBe('Title');
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect(container.querySelector('em')?.textContent).toBe('em');
    expect(container.querySelector('del')?.textContent).toBe('gone');
    expect(container.querySelector('p code')?.textContent).toBe('a <b>');
    expect(container.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
    expect(container.querySelector('hr')).not.toBeNull();
    expect(container.querySelectorAll('ul > li')).toHaveLength(3);
    expect(container.querySelector('ul ul li')?.textContent).toBe('nested');
    expect(container.querySelector('ol')?.getAttribute('start')).toBe('3');
  });

  it('renders GFM tables with column alignment, inside a scrollable region', () => {
    const container = view('| tool | calls | ok |\n| :--- | ---: | :-: |\n| `ls` | 3 | **yes** |\n| grep | 12 | no |');
    const table = container.querySelector('.md-table > table')!;
    expect(container.querySelector('.md-table')?.getAttribute('tabindex')).toBe('0');
    expect([...table.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['tool', 'calls', 'ok']);
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['ls', '3', 'yes'],
      ['grep', '12', 'no'],
    ]);
    expect(table.querySelector('td code')?.textContent).toBe('ls');
    expect([...table.querySelectorAll('th')].map((th) => th.className)).toEqual(['md-align-left', 'md-align-right', 'md-align-center']);
  });

  it('renders task lists as read-only checkboxes', () => {
    const container = view('- [x] write the test\n- [ ] ship it');
    const boxes = [...container.querySelectorAll<HTMLInputElement>('li input[type=checkbox]')];
    expect(boxes.map((b) => b.checked)).toEqual([true, false]);
    expect(boxes.every((b) => b.disabled)).toBe(true);
    expect(container.querySelector('li')?.textContent?.trim()).toBe('write the test');
  });

  it('links bare URLs and www addresses but not snake_case or lone asterisks', () => {
    const container = view('visit https://paddock.dev/docs. or www.example.com, call my_func_name now, 2 * 3 * 4');
    const links = [...container.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['https://paddock.dev/docs', 'http://www.example.com/']);
    expect(container.querySelector('em')).toBeNull();
    expect(container.textContent).toContain('my_func_name');
    expect(container.textContent).toContain('2 * 3 * 4');
  });

  it('decodes character references in text but not in code', () => {
    const container = view('Tom &amp; Jerry &lt;3 &#169; &#x263A; &bogus; `&amp;`');
    expect(container.querySelector('p')?.firstChild?.textContent).toBe('Tom & Jerry <3 © ☺ &bogus; ');
    expect(container.querySelector('code')?.textContent).toBe('&amp;');
  });

  it('keeps single line breaks and backslash escapes', () => {
    const container = view('line one\nline two \\*not em\\*');
    expect(container.querySelectorAll('br')).toHaveLength(1);
    expect(container.querySelector('em')).toBeNull();
    expect(container.textContent).toContain('*not em*');
  });
});

describe('Markdown mid-stream', () => {
  it('renders an unclosed fence as code to the end', () => {
    const container = view('text\n```js\nconst a = 1;\nconst b');
    expect(container.querySelector('pre code')?.textContent).toBe('const a = 1;\nconst b');
    expect(container.querySelector('pre code')?.className).toBe('language-js');
  });

  it('renders every prefix of a message without throwing or leaking markup', () => {
    const full =
      '## Results\n\n| file | lines |\n| --- | ---: |\n| a.ts | 10 |\n\n- [x] **done** with ~~old~~ [link](https://example.com)\n\n```ts\nconst x = `<b>`;\n```\n<img src=x onerror=alert(1)>';
    for (let end = 1; end <= full.length; end++) {
      const { container, unmount } = render(<Markdown text={full.slice(0, end)} />);
      expect(container.querySelector('img, script, b')).toBeNull();
      expect(attributes(container).join('\n')).not.toMatch(/onerror/);
      unmount();
    }
    const done = view(full);
    expect(done.querySelector('table')).not.toBeNull();
    expect(done.querySelector('h4')?.textContent).toBe('Results');
  }, 60_000); // a few hundred renders: generous on a busy machine

  it('drops the trailing whitespace of a reply cut off mid-stream, as CommonMark does', () => {
    expect(view('tok1 tok2 ').textContent).toBe('tok1 tok2');
    expect([...view('first   \n\n- item  \n- *em* ').querySelectorAll('p, li')].map((e) => e.textContent)).toEqual(['first', 'item', 'em']);
  });

  it('keeps finished blocks (and a selection in them) while the tail grows', () => {
    const head = '| a | b |\n| - | - |\n| 1 | 2 |\n\n';
    const { container, rerender } = render(<Markdown text={`${head}Stre`} />);
    const table = container.querySelector('table');
    rerender(<Markdown text={`${head}Streaming **now**`} />);
    expect(container.querySelector('table')).toBe(table);
    expect(container.querySelector('strong')?.textContent).toBe('now');
  });

  it('shows a half-typed table as text until its delimiter row arrives', () => {
    expect(view('| a | b |\n| --').querySelector('table')).toBeNull();
    expect(view('| a | b |\n| -- | -- |').querySelector('table')).not.toBeNull();
  });
});
