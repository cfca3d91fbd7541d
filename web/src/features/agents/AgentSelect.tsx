/** The labelled agent field of a form; with nothing chosen yet, it shows the first agent as chosen. */
export function AgentSelect({
  id,
  agents,
  value,
  onChange,
  loading = false,
}: {
  id: string;
  agents: { id: string; name: string }[];
  value: string;
  onChange: (agentId: string) => void;
  loading?: boolean;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>Agent</label>
      <select id={id} value={value || agents[0]?.id || ''} onChange={(e) => onChange(e.target.value)} disabled={loading}>
        {loading ? <option>Loading agents…</option> : null}
        {agents.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </div>
  );
}
