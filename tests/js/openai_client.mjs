// The official `openai` npm package talking to `ragd serve`, unchanged, as any Node application
// would. Usage: node openai_client.mjs BASE_URL [QUESTION]
// Prints one JSON object with what each call returned; the Python test asserts on it.
// Exits 1 (with {"error": ...}) when a call that should succeed throws.
import OpenAI from "openai";

const base = process.argv[2];
const question = process.argv[3] ?? "Who is the wine club manager?";
const client = new OpenAI({
  baseURL: `${base}/v1`,
  apiKey: "not-checked",  // authentication is off; the SDK insists on a key
  maxRetries: 0,
  timeout: 60_000,
});

const messages = [
  { role: "system", content: "You answer questions about the winery." },
  { role: "user", content: question },
];

function norm(vector) {
  return Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
}

async function main() {
  const out = {};

  const models = await client.models.list();
  out.models = models.data.map((m) => ({ id: m.id, object: m.object, owned_by: m.owned_by }));

  const completion = await client.chat.completions.create({ model: "ragd", messages });
  out.completion = {
    object: completion.object,
    content: completion.choices[0].message.content,
    role: completion.choices[0].message.role,
    finish_reason: completion.choices[0].finish_reason,
    usage: completion.usage,
    citations: completion.citations ?? null,
  };

  const stream = await client.chat.completions.create({
    model: "ragd",
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  const streamed = { chunks: 0, content: "", finish_reason: null, usage: null, citations: null,
                     objects: [] };
  for await (const chunk of stream) {
    streamed.chunks += 1;
    if (!streamed.objects.includes(chunk.object)) streamed.objects.push(chunk.object);
    const choice = chunk.choices?.[0];
    if (choice?.delta?.content) streamed.content += choice.delta.content;
    if (choice?.finish_reason) streamed.finish_reason = choice.finish_reason;
    if (chunk.usage) streamed.usage = chunk.usage;
    if (chunk.citations) streamed.citations = chunk.citations;
  }
  out.stream = streamed;

  // Without encoding_format the SDK asks for base64 and decodes it itself; with "float" it
  // takes the numbers as sent. Both must give the same vectors.
  const inputs = ["The tasting room opens at ten.", "Club members get 10% off merchandise."];
  const asBase64 = await client.embeddings.create({ model: "ragd", input: inputs });
  const asFloat = await client.embeddings.create({
    model: "ragd", input: inputs, encoding_format: "float" });
  out.embeddings = {
    object: asBase64.object,
    indexes: asBase64.data.map((d) => d.index),
    dims: asBase64.data.map((d) => d.embedding.length),
    norms: asBase64.data.map((d) => norm(Array.from(d.embedding))),
    max_difference: Math.max(...asBase64.data.map((d, i) => Math.max(...Array.from(d.embedding)
      .map((x, j) => Math.abs(x - asFloat.data[i].embedding[j]))))),
    usage: asBase64.usage,
  };

  try {
    await client.chat.completions.create({ model: "no-such-collection", messages });
    out.unknown_model = { status: null };
  } catch (error) {
    out.unknown_model = { status: error.status ?? null, name: error.constructor.name };
  }

  console.log(JSON.stringify(out));
}

main().catch((error) => {
  console.log(JSON.stringify({ error: String(error), status: error.status ?? null }));
  process.exit(1);
});
