/** The one model the mock serves; any requested model name is accepted and echoed back. */
export const MOCK_MODEL_ID = 'paddock-mock';

/** A fixed creation time keeps `/v1/models` byte-for-byte deterministic. */
const CREATED = 1_735_689_600;

export const mockModel = {
  id: MOCK_MODEL_ID,
  object: 'model',
  created: CREATED,
  owned_by: 'paddock',
  description: 'Paddock offline mock model: deterministic scripted replies, no real LLM is called.',
};

export const modelList = { object: 'list', data: [mockModel] };
