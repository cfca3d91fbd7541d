import type { HarnessesQuery } from '../../gql/graphql.ts';

type Harness = HarnessesQuery['harnesses'][number];

/** Harnesses as radio cards, each with its description, capabilities and default model. */
export function HarnessPicker({
  harnesses,
  value,
  onChange,
  invalid,
}: {
  harnesses: Harness[];
  value: string;
  onChange: (name: string) => void;
  invalid?: boolean;
}) {
  return (
    <fieldset className="harness-picker" aria-invalid={invalid || undefined}>
      <legend>Harness</legend>
      <div className="harness-grid">
        {harnesses.map((h) => {
          const id = `harness-${h.name}`;
          return (
            <label key={h.name} htmlFor={id} className={`harness-card${value === h.name ? ' selected' : ''}`}>
              <input type="radio" id={id} name="harness" value={h.name} checked={value === h.name} onChange={() => onChange(h.name)} />
              <span className="harness-head">
                <span className="harness-name">{h.displayName}</span>
                <span className="mono small muted">{h.name}</span>
              </span>
              <span className="harness-desc">{h.description}</span>
              <span className="chips" aria-label="Capabilities">
                {h.capabilities.map((c) => (
                  <span key={c} className="chip chip-small">
                    {c}
                  </span>
                ))}
              </span>
              <span className="small muted">
                Default model <span className="mono">{h.defaultModel}</span>
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
