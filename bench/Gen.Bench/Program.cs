using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Gen.Bench;
using TorchSharp;

// Benchmarks and device checks. Every command takes --device cpu|cuda[:N] (cpu) and --threads N (the number of
// cores): torch.set_num_threads(N) is set once, before anything runs, so Gen and the hand-written code share it.
//   list                                           the speed cases
//   speed [--cases a,b] [--rounds R] [--steps S | --round-seconds T] [--warmup W] [--warmup-seconds T] [--logprob] [--json FILE]
//   breakdown [--cases a,b] [--steps S] [--warmup W] [--warmup-seconds T]   forward / backward / update time per step
//   matmul [--size N] [--reps R]                   the float32 matrix-multiply rate
//   sampling [--quick]                             samples per second of Gen models
//   memory [--cases a,b] [--steps N] [--every K]   resident memory and live tensors over a training run
//   report [--quick] [--out DIR] [--commit SHA] [--note TEXT] [--cases a,b]   all groups; writes speed.md and speed.json
//   probe                                          runtime, CUDA and CPU/device parity check
//   quality [--list] [--cases a,b] [--seconds S] [--eval-samples K] [--quick] [--machine TEXT] [--json FILE]   papers' tables
//           [--converge DIR [--patience P] [--max-epochs E]]   to convergence instead, resumable from DIR after any kill
//   twin-train [--dir DIR] [--model made|vae] [--seed S] [--epochs E] [--limit N]   MADE curve beside PyTorch's (bench/interop/twin_train.py)
//   twin-report [--dir DIR] [--out DIR]   compares the twin curves (twins.md, .json, .png)
//   quality-merge [--inputs DIR] [--out DIR] [--note TEXT] [--reasons FILE] [--curves DIR]   collects quality rows into quality.json and quality.md
const string Usage = "usage: Gen.Bench list|speed|breakdown|matmul|sampling|memory|report|probe|quality|quality-merge|interop [--device cpu|cuda[:N]] [--threads N] [options]; see bench/README.md";
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return 0;
}

// --key value pairs, and flags (an option followed by another option or by nothing).
var options = new Dictionary<string, string>();
for (int i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"unexpected argument '{args[i]}'; {Usage}");
        return 2;
    }

    bool flag = i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal);
    options[args[i][2..]] = flag ? "true" : args[++i];
}

string Get(string key, string fallback) => options.TryGetValue(key, out var v) ? v : fallback;
bool Flag(string key) => options.TryGetValue(key, out var v) && v == "true";
IReadOnlyList<SpeedCase> Cases(IEnumerable<string> fallback) =>
    (options.TryGetValue("cases", out var v) ? v.Split(',', StringSplitOptions.RemoveEmptyEntries) : fallback).Select(Catalog.Find).ToArray();

try
{
    Gen.Runtime.GenRuntime.EnsureLoaded();
    torch.set_num_threads(int.Parse(Get("threads", Environment.ProcessorCount.ToString())));
    var device = Gen.Device.Parse(Get("device", "cpu"));
    bool quick = Flag("quick");
    switch (args[0])
    {
        case "probe":
            return Probe.Run(device);
        case "list":
            foreach (var c in Catalog.Speed)
            {
                Console.WriteLine($"{c.Name}\t{c.Description}");
            }

            return 0;
        case "breakdown":
            foreach (var c in Cases(new[] { Catalog.Speed[0].Name }))
            {
                Breakdown.Run(c, device, int.Parse(Get("steps", "50")), int.Parse(Get("warmup", "3")),
                    double.Parse(Get("warmup-seconds", "2"), System.Globalization.CultureInfo.InvariantCulture));
            }

            return 0;
        case "speed":
            return Speed.Run(device, Cases(Catalog.Speed.Select(c => c.Name)), new TimingSettings(
                    Warmup: int.Parse(Get("warmup", "10")),
                    WarmupSeconds: double.Parse(Get("warmup-seconds", "2"), System.Globalization.CultureInfo.InvariantCulture),
                    Rounds: int.Parse(Get("rounds", "10")),
                    StepsPerRound: options.ContainsKey("round-seconds") ? null : int.Parse(Get("steps", "20")),
                    RoundSeconds: double.Parse(Get("round-seconds", "1"), System.Globalization.CultureInfo.InvariantCulture),
                    LogProb: Flag("logprob")),
                options.GetValueOrDefault("json"));
        case "interop":
            Interop.Export(Get("out", "bench/interop/out"));
            return 0;
        case "matmul":
            Console.WriteLine($"threads {torch.get_num_threads()}: " + MatmulRate.Measure(device, long.Parse(Get("size", "2048")), 2, int.Parse(Get("reps", "10"))).Format());
            return 0;
        case "sampling":
        {
            var machine = Machine.Describe(args, null);
            var sampling = Catalog.Sampling(quick);
            if (options.TryGetValue("cases", out var named))
            {
                var names = named.Split(',', StringSplitOptions.RemoveEmptyEntries);
                var unknown = names.Where(n => sampling.All(c => c.Name != n)).ToArray();
                if (unknown.Length > 0)
                {
                    throw new ArgumentException($"unknown sampling case(s) {string.Join(", ", unknown)}; known: {string.Join(", ", sampling.Select(c => c.Name))}");
                }

                sampling = sampling.Where(c => names.Contains(c.Name)).ToArray();
            }

            var results = Sampling.Run(device, sampling, quick ? 1 : 3, quick ? 3 : 10);
            if (options.TryGetValue("out", out var dir))
            {
                Sampling.Write(dir, machine, results);
            }

            return 0;
        }
        case "memory":
        {
            int steps = int.Parse(Get("steps", quick ? "500" : "10000"));
            var results = Cases(Catalog.Memory).Select(c => Memory.Run(
                c,
                device,
                int.Parse(Get("warmup", Math.Max(20, steps / 10).ToString())),
                steps,
                int.Parse(Get("every", Math.Max(1, steps / 20).ToString())),
                Get("side", "gen") == "hand")).ToArray();
            if (options.TryGetValue("json", out var json))
            {
                if (results.Length != 1)
                {
                    throw new ArgumentException("memory --json writes one case's result: name one case with --cases");
                }

                File.WriteAllText(json, System.Text.Json.JsonSerializer.Serialize(results[0].ToJson(), Json.Options));
            }

            return 0;
        }

        case "report":
            return Report.Run(device, args, new Report.Options(
                quick,
                Get("out", Path.Combine(Machine.RepositoryRoot(), "bench", "results")),
                options.GetValueOrDefault("commit"),
                options.GetValueOrDefault("note"),
                Cases(Catalog.Report),
                Catalog.Memory.Select(Catalog.Find).ToArray(),
                Get("device", "cpu"),
                Catalog.Host.Select(Catalog.Find).ToArray(),
                options.GetValueOrDefault("debian-pytorch")));
        case "quality" when Flag("list"):
            Console.WriteLine(string.Join(",", QualityCatalog.All.Select(c => c.Name)));
            return 0;
        case "quality":
            var qualityCases = (options.TryGetValue("cases", out var qc) ? qc.Split(',', StringSplitOptions.RemoveEmptyEntries) : QualityCatalog.All.Select(c => c.Name))
                .Select(QualityCatalog.Find).ToArray();
            var context = new QualityContext(device,
                double.Parse(Get("seconds", quick ? "5" : "600"), System.Globalization.CultureInfo.InvariantCulture), quick,
                Get("machine", Machine.Describe(args, null).Cpu + $" ({Environment.ProcessorCount} cores)"),
                int.Parse(Get("eval-samples", quick ? "50" : "5000")))
            {
                ConvergeDirectory = options.GetValueOrDefault("converge"),
                Patience = int.Parse(Get("patience", "30")),
                MaxEpochs = int.Parse(Get("max-epochs", "5000")),
            };
            return Quality.Run(context, qualityCases, Get("json", "quality-rows.json"));
        case "twin-train":
            return TwinTraining.Run(Get("dir", "twins"), Get("model", "made"), long.Parse(Get("seed", "0")), int.Parse(Get("epochs", "5")), int.Parse(Get("limit", "0")),
                double.Parse(Get("lr", "1e-3"), System.Globalization.CultureInfo.InvariantCulture));
        case "twin-report":
            return TwinReport.Run(Get("dir", "twins"), Get("out", Path.Combine(Machine.RepositoryRoot(), "bench", "results")),
                Get("machine", Machine.Describe(args, null).Cpu + $" ({Environment.ProcessorCount} cores)"), Get("command", "bench/interop/twins.sh"));
        case "quality-merge":
            return Quality.Merge(Get("inputs", "."), Get("out", Path.Combine(Machine.RepositoryRoot(), "bench", "results")),
                DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Get("command", "Gen.Bench " + string.Join(' ', args)), options.GetValueOrDefault("note"), options.GetValueOrDefault("reasons"), options.GetValueOrDefault("curves"));
        default:
            Console.Error.WriteLine($"unknown command '{args[0]}'; {Usage}");
            return 2;
    }
}
catch (KeyNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
