package ragd.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene BM25 peer for ragd's BEIR benchmark, configured as Anserini's BEIR baseline
 * ("flat" index: one field holding title + " " + text, EnglishAnalyzer (Porter stemming,
 * Lucene's English stopwords), BM25Similarity(k1=0.9, b=0.4), bag-of-words queries with
 * repeated terms boosted by their count).
 *
 * <p>Usage: java -jar lucene-bench.jar DATASET_DIR RUN_OUT INDEX_DIR [K [WARMUP_PASSES]]
 *
 * <p>Indexes DATASET_DIR/corpus.jsonl into INDEX_DIR (single writer thread, one commit), runs
 * the queries judged in qrels/test.tsv WARMUP_PASSES times untimed (default 3: the JIT needs
 * them) and once timed, single-threaded,
 * writes the timed pass's top-K as a TREC run to RUN_OUT, and prints timing as JSON. Quality
 * is scored from RUN_OUT by bench/peers/common.py, the same pytrec_eval code as every peer.
 */
public final class LuceneBeirBench {
  private static final String ID = "id";
  private static final String CONTENTS = "contents";

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: LuceneBeirBench DATASET_DIR RUN_OUT INDEX_DIR [K [WARMUP_PASSES]]");
      System.exit(2);
    }
    Path dataset = Path.of(args[0]);
    Path runOut = Path.of(args[1]);
    Path indexDir = Path.of(args[2]);
    int k = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    int warmupPasses = args.length > 4 ? Integer.parseInt(args[4]) : 3;

    Analyzer analyzer = new EnglishAnalyzer();
    BM25Similarity similarity = new BM25Similarity(0.9f, 0.4f);

    long docs = 0;
    long indexStart = System.nanoTime();
    IndexWriterConfig config = new IndexWriterConfig(analyzer);
    config.setSimilarity(similarity);
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    config.setRAMBufferSizeMB(1024);
    try (FSDirectory dir = FSDirectory.open(indexDir);
        IndexWriter writer = new IndexWriter(dir, config);
        BufferedReader in = Files.newBufferedReader(dataset.resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) continue;
        JsonObject obj = JsonParser.parseString(line).getAsJsonObject();
        String title = obj.has("title") && !obj.get("title").isJsonNull() ? obj.get("title").getAsString() : "";
        String text = obj.has("text") && !obj.get("text").isJsonNull() ? obj.get("text").getAsString() : "";
        Document doc = new Document();
        doc.add(new StringField(ID, obj.get("_id").getAsString(), Field.Store.YES));
        doc.add(new TextField(CONTENTS, title + " " + text, Field.Store.NO));
        writer.addDocument(doc);
        docs++;
      }
      writer.commit();
    }
    double indexSeconds = (System.nanoTime() - indexStart) / 1e9;

    Map<String, String> queries = loadJudgedQueries(dataset);
    try (FSDirectory dir = FSDirectory.open(indexDir);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      searcher.setSimilarity(similarity);
      List<String> ids = new ArrayList<>(queries.keySet());

      for (int pass = 0; pass < warmupPasses; pass++) {
        for (String qid : ids) search(searcher, analyzer, queries.get(qid), k);
      }

      // External ids are resolved through an array built once, as bm25s and ragd hold them in
      // memory; fetching them from compressed stored fields would dominate at small k.
      StoredFields stored = searcher.storedFields();
      String[] externalIds = new String[reader.maxDoc()];
      for (int d = 0; d < externalIds.length; d++) externalIds[d] = stored.document(d).get(ID);

      long[] latencies = new long[ids.size()];
      List<String[]> hitIds = new ArrayList<>(ids.size());
      List<TopDocs> results = new ArrayList<>(ids.size());
      long start = System.nanoTime();
      for (int i = 0; i < ids.size(); i++) {
        long t0 = System.nanoTime();
        TopDocs top = search(searcher, analyzer, queries.get(ids.get(i)), k);
        String[] docIds = new String[top.scoreDocs.length];
        for (int j = 0; j < docIds.length; j++) docIds[j] = externalIds[top.scoreDocs[j].doc];
        latencies[i] = System.nanoTime() - t0;
        results.add(top);
        hitIds.add(docIds);
      }
      double searchSeconds = (System.nanoTime() - start) / 1e9;

      try (BufferedWriter out = Files.newBufferedWriter(runOut, StandardCharsets.UTF_8)) {
        for (int i = 0; i < ids.size(); i++) {
          ScoreDoc[] sds = results.get(i).scoreDocs;
          for (int j = 0; j < sds.length; j++) {
            out.write(String.format(Locale.ROOT, "%s Q0 %s %d %s lucene%n",
                ids.get(i), hitIds.get(i)[j], j + 1, Float.toString(sds[j].score)));
          }
        }
      }

      long[] sorted = latencies.clone();
      Arrays.sort(sorted);
      JsonObject report = new JsonObject();
      report.addProperty("system", "lucene-" + org.apache.lucene.util.Version.LATEST);
      report.addProperty("docs", docs);
      report.addProperty("queries", ids.size());
      report.addProperty("index_seconds", indexSeconds);
      report.addProperty("docs_per_second", docs / indexSeconds);
      report.addProperty("qps", ids.size() / searchSeconds);
      report.addProperty("p50_ms", percentile(sorted, 0.50) / 1e6);
      report.addProperty("p99_ms", percentile(sorted, 0.99) / 1e6);
      report.addProperty("run", runOut.toString());
      System.out.println(report);
    }
  }

  /** Queries that have judgements in qrels/test.tsv, in queries.jsonl order (as BEIR). */
  private static Map<String, String> loadJudgedQueries(Path dataset) throws IOException {
    Set<String> judged = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(dataset.resolve("qrels/test.tsv"), StandardCharsets.UTF_8)) {
      String line = in.readLine();  // header
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) judged.add(line.split("\t")[0]);
      }
    }
    Map<String, String> queries = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(dataset.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) continue;
        JsonObject obj = JsonParser.parseString(line).getAsJsonObject();
        String id = obj.get("_id").getAsString();
        if (judged.contains(id)) queries.put(id, obj.get("text").getAsString());
      }
    }
    return queries;
  }

  /** Anserini's BagOfWordsQueryGenerator: one SHOULD clause per distinct analysed term. */
  private static TopDocs search(IndexSearcher searcher, Analyzer analyzer, String text, int k) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (TokenStream ts = analyzer.tokenStream(CONTENTS, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) counts.merge(term.toString(), 1, Integer::sum);
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BooleanQuery.Builder builder = new BooleanQuery.Builder();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      Query q = new TermQuery(new Term(CONTENTS, e.getKey()));
      builder.add(new BoostQuery(q, e.getValue()), BooleanClause.Occur.SHOULD);
    }
    try {
      return searcher.search(builder.build(), k);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    int idx = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }
}
