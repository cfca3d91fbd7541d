import { memo, useMemo, useState, type ReactNode } from 'react';
import { Lexer, type MarkedToken, type Token, type Tokens } from 'marked';
import { decodeEntities } from './entities.ts';
import { safeHref } from './safe-url.ts';

/*
 * Chat messages are GitHub-flavoured Markdown (tables, task lists, strikethrough,
 * autolinks), with single newlines kept as line breaks. marked's lexer parses them;
 * its HTML renderer is never used: the tokens become React elements here, so the
 * browser never parses a message as HTML. Raw `<tags>` come out as literal text, only
 * absolute http(s) and mailto URLs become links, and images become links so opening a
 * chat never loads remote content.
 *
 * Streaming: the whole message is lexed again on every delta (marked is fast enough
 * for that), but finished blocks keep their raw text, so React re-renders only the
 * block still growing. Partial Markdown renders as it stands: an unclosed fence is code
 * to the end, a table without its delimiter row or an unclosed `**` is plain text.
 */
// `silent`: should the lexer ever stall on some input it stops there instead of throwing, so a reply never breaks the page.
const LEX_OPTIONS = { gfm: true, breaks: true, silent: true } as const;

/** No marked extensions are registered, so every token is one of marked's own kinds. */
const known = (tokens: Token[] | undefined): MarkedToken[] => (tokens ?? []) as MarkedToken[];

/** Renders Markdown as React elements; never as HTML. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const blocks = useMemo(() => known(Lexer.lex(text, LEX_OPTIONS)), [text]);
  return (
    <div className="md">
      {blocks.map((token, i) => (
        <MemoBlock key={i} token={token} />
      ))}
    </div>
  );
});

/** A block whose source did not change renders the same: skip it mid-stream. */
const MemoBlock = memo(
  function MemoBlock({ token }: { token: MarkedToken }) {
    return renderBlock(token, 0);
  },
  (before, after) => before.token.raw === after.token.raw,
);

/** CommonMark strips a paragraph's final whitespace (a reply cut off mid-stream often ends in a space); marked keeps it. */
function trimEnd(tokens: Token[] | undefined): Token[] | undefined {
  const last = tokens?.at(-1);
  if (!tokens || last?.type !== 'text' || last.tokens) return tokens;
  return [...tokens.slice(0, -1), { ...last, text: last.text.trimEnd() }];
}

function renderBlocks(tokens: Token[] | undefined): ReactNode[] {
  return known(tokens).map(renderBlock);
}

function renderBlock(token: MarkedToken, key: number): ReactNode {
  switch (token.type) {
    case 'paragraph':
      return <p key={key}>{renderInline(trimEnd(token.tokens))}</p>;
    case 'text':
      // A tight list item's content: inline, without a paragraph.
      return <span key={key}>{token.tokens ? renderInline(trimEnd(token.tokens)) : decodeEntities(token.text.trimEnd())}</span>;
    case 'heading': {
      // The page already owns h1 and h2: a message's headings start at h3.
      const Tag = `h${Math.min(6, token.depth + 2)}` as 'h3' | 'h4' | 'h5' | 'h6';
      return (
        <Tag key={key} className={`md-h${token.depth}`}>
          {renderInline(token.tokens)}
        </Tag>
      );
    }
    case 'code':
      return <CodeBlock key={key} lang={(token.lang ?? '').trim().split(/\s/)[0] ?? ''} text={token.text} />;
    case 'blockquote':
      return <blockquote key={key}>{renderBlocks(token.tokens)}</blockquote>;
    case 'list':
      return renderList(token, key);
    case 'table':
      return renderTable(token, key);
    case 'hr':
      return <hr key={key} />;
    case 'html':
      // Raw HTML is shown as the text the agent wrote, never interpreted.
      return (
        <p key={key} className="md-raw">
          {token.text.replace(/\n+$/, '')}
        </p>
      );
    default:
      // `space` and link reference definitions render nothing.
      return null;
  }
}

function renderList(list: Tokens.List, key: number): ReactNode {
  const items = list.items.map((item, i) => (
    <li key={i} className={item.task ? 'md-task' : undefined}>
      {known(item.tokens).map((token, j) =>
        token.type === 'checkbox' ? (
          <input key={j} type="checkbox" checked={token.checked} disabled aria-label={token.checked ? 'Done' : 'Not done'} />
        ) : (
          renderBlock(token, j)
        ),
      )}
    </li>
  ));
  if (!list.ordered) return <ul key={key}>{items}</ul>;
  return (
    <ol key={key} start={list.start === '' || list.start === 1 ? undefined : list.start}>
      {items}
    </ol>
  );
}

function renderTable(table: Tokens.Table, key: number): ReactNode {
  const cell = (c: Tokens.TableCell, i: number, Tag: 'th' | 'td') => (
    <Tag key={i} className={c.align ? `md-align-${c.align}` : undefined}>
      {renderInline(c.tokens)}
    </Tag>
  );
  return (
    // Wide tables scroll sideways inside the message; focusable so a keyboard can scroll too.
    <div key={key} className="md-table" tabIndex={0}>
      <table>
        <thead>
          <tr>{table.header.map((c, i) => cell(c, i, 'th'))}</tr>
        </thead>
        {table.rows.length > 0 ? (
          <tbody>
            {table.rows.map((row, r) => (
              <tr key={r}>{row.map((c, i) => cell(c, i, 'td'))}</tr>
            ))}
          </tbody>
        ) : null}
      </table>
    </div>
  );
}

function renderInline(tokens: Token[] | undefined): ReactNode[] {
  return known(tokens).map(renderInlineToken);
}

function renderInlineToken(token: MarkedToken, key: number): ReactNode {
  switch (token.type) {
    case 'text':
      return token.tokens ? <span key={key}>{renderInline(token.tokens)}</span> : decodeEntities(token.text);
    case 'escape':
    case 'html':
      return token.text;
    case 'codespan':
      return <code key={key}>{token.text}</code>;
    case 'strong':
      return <strong key={key}>{renderInline(token.tokens)}</strong>;
    case 'em':
      return <em key={key}>{renderInline(token.tokens)}</em>;
    case 'del':
      return <del key={key}>{renderInline(token.tokens)}</del>;
    case 'br':
      return <br key={key} />;
    case 'link': {
      const href = safeHref(decodeEntities(token.href));
      const label = renderInline(token.tokens);
      return href ? (
        <ExternalLink key={key} href={href}>
          {label}
        </ExternalLink>
      ) : (
        <span key={key}>{label}</span>
      );
    }
    case 'image': {
      const href = safeHref(decodeEntities(token.href));
      const label = token.text || href || '';
      return href ? (
        <ExternalLink key={key} href={href}>
          {decodeEntities(label)}
        </ExternalLink>
      ) : (
        decodeEntities(token.text)
      );
    }
    default:
      return null;
  }
}

function ExternalLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

function CodeBlock({ lang, text }: { lang: string; text: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(text).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <div className="md-code">
      <div className="md-code-bar">
        <span>{lang || 'text'}</span>
        <button type="button" className="link-button" onClick={copy} aria-label="Copy code">
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      {/* Focusable so a keyboard can scroll a long line sideways. */}
      <pre tabIndex={0}>
        <code className={lang ? `language-${lang}` : undefined}>{text}</code>
      </pre>
    </div>
  );
}
