using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Gen.Plots;

namespace Gen.Bench;

/// <summary>
/// Compares the twin runs' curves (<see cref="TwinTraining"/> and bench/interop/twin_train.py): for each seed the gap
/// between Gen and PyTorch after every epoch, against the spread between seeds, which is the noise a difference must
/// stay within; writes twins.md, twins.json and twins.png.
/// </summary>
internal static class TwinReport
{
    private sealed record Curve(string Implementation, long Seed, int Window, double[] TrainWindows, double[] Validation, double Seconds);

    private static readonly (string Model, string Title, string Setting, string Metric)[] Models =
    {
        ("made", "MADE on binarized MNIST", "MADE 784-500 (ReLU, one mask, natural order): nothing random besides the files, so under one seed both sides compute the same steps and may differ only by rounding.", "validation NLL"),
        ("vae", "VAE on binarized MNIST", "VAE 784-200-200-50 (tanh, Burda et al.'s; Bernoulli decoder, analytic KL). Each side draws its own posterior noise, so under one seed the two runs differ by that noise as two seeds do; the comparison is between the implementations' means over the seeds.", "validation negative ELBO"),
    };

    public static int Run(string directory, string outDirectory, string machine, string command)
    {
        var md = new StringBuilder();
        md.AppendLine("# Gen against PyTorch from the same start").AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {machine}; one thread each. Command: `{command}`.")).AppendLine();
        md.AppendLine("For each seed Gen draws the initial weights and every epoch's minibatch order and writes them to files (safetensors); PyTorch (Debian's python3-torch 1.13, the model written by hand in bench/interop/twin_train.py) reads the same files, so both run the same steps on the same batches of the Larochelle & Murray training set (50,000 images) from the same start, with Adam at lr 0.001 and batches of 100. The spread between seeds is the noise a difference between the implementations has to stay within.").AppendLine();
        var json = new Dictionary<string, object> { ["machine"] = machine, ["command"] = command };
        int found = 0;
        foreach (var (model, title, setting, metric) in Models)
        {
            var gen = Read(directory, $"gen-{model}");
            var torchCurves = Read(directory, $"torch-{model}");
            var seeds = gen.Keys.Intersect(torchCurves.Keys).Order().ToArray();
            if (seeds.Length > 0)
            {
                found++;
                json[model] = Section(md, outDirectory, model, title, setting, metric, gen, torchCurves, seeds);
            }
        }

        if (found == 0)
        {
            Console.Error.WriteLine($"no seed in {directory} has both gen-MODEL-SEED.json and torch-MODEL-SEED.json");
            return 2;
        }

        Directory.CreateDirectory(outDirectory);
        File.WriteAllText(Path.Combine(outDirectory, "twins.md"), md.ToString());
        File.WriteAllText(Path.Combine(outDirectory, "twins.json"), JsonSerializer.Serialize(json, Json.Options));
        Console.WriteLine(md.ToString());
        return 0;
    }

    private static object Section(StringBuilder md, string outDirectory, string model, string title, string setting, string metric,
        Dictionary<long, Curve> gen, Dictionary<long, Curve> torchCurves, long[] seeds)
    {
        int epochs = seeds.Min(s => Math.Min(gen[s].Validation.Length, torchCurves[s].Validation.Length));
        static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        static double Sd(IReadOnlyList<double> v) => Math.Sqrt(v.Sum(x => (x - v.Average()) * (x - v.Average())) / (v.Count - 1));
        md.AppendLine($"## {title}").AppendLine();
        md.AppendLine($"{setting} Below, each implementation's {metric} (10,000 images) after every epoch.").AppendLine();
        md.Append("| epoch |");
        foreach (var s in seeds)
        {
            md.Append($" Gen, seed {s} | PyTorch, seed {s} |");
        }

        md.AppendLine(" largest gap, same seed | sd between seeds (Gen) | sd between seeds (PyTorch) |");
        md.AppendLine("|---:|" + string.Concat(Enumerable.Repeat("---:|---:|", seeds.Length)) + "---:|---:|---:|");
        var rows = new List<object>();
        for (int e = 0; e < epochs; e++)
        {
            var g = seeds.Select(s => gen[s].Validation[e]).ToArray();
            var t = seeds.Select(s => torchCurves[s].Validation[e]).ToArray();
            double gap = g.Zip(t, (a, b) => Math.Abs(a - b)).Max();
            double sdGen = seeds.Length > 1 ? Sd(g) : double.NaN, sdTorch = seeds.Length > 1 ? Sd(t) : double.NaN;
            md.Append($"| {e + 1} |");
            for (int i = 0; i < seeds.Length; i++)
            {
                md.Append($" {F(g[i])} | {F(t[i])} |");
            }

            md.AppendLine($" {F(gap)} | {F(sdGen)} | {F(sdTorch)} |");
            rows.Add(new { epoch = e + 1, gen = g, torch = t, largest_gap = gap, sd_gen = sdGen, sd_torch = sdTorch });
        }

        double finalGap = seeds.Max(s => Math.Abs(gen[s].Validation[epochs - 1] - torchCurves[s].Validation[epochs - 1]));
        var lastGen = seeds.Select(s => gen[s].Validation[epochs - 1]).ToArray();
        var lastTorch = seeds.Select(s => torchCurves[s].Validation[epochs - 1]).ToArray();
        double finalSd = seeds.Length > 1 ? Sd(lastGen) : double.NaN;
        double meanGap = lastGen.Average() - lastTorch.Average();
        // The standard error of a difference of two means over the seeds (Welch's).
        double meanGapError = seeds.Length > 1 ? Math.Sqrt((Sd(lastGen) * Sd(lastGen) / seeds.Length) + (Sd(lastTorch) * Sd(lastTorch) / seeds.Length)) : double.NaN;
        md.AppendLine();
        md.AppendLine($"After {epochs} epochs: the largest gap between Gen and PyTorch under one seed is {F(finalGap)} nats, against {F(finalSd)} nats between Gen's seeds; the means over the seeds differ by {F(meanGap)} nats (Gen minus PyTorch), against a standard error of that difference of {F(meanGapError)} nats.");
        md.AppendLine(model == "made"
            ? $"Verdict: {(finalGap <= finalSd ? "the same curve within the seed noise" : "a gap larger than the seed noise")}."
            : $"Verdict: {(Math.Abs(meanGap) <= 2 * meanGapError ? "the same law within the seed noise (the means within two standard errors)" : "the means differ by more than two standard errors")}.");
        md.AppendLine($"Training time, {epochs} epochs and validation: Gen {string.Join(", ", seeds.Select(s => gen[s].Seconds.ToString("F0", CultureInfo.InvariantCulture) + " s"))}; PyTorch {string.Join(", ", seeds.Select(s => torchCurves[s].Seconds.ToString("F0", CultureInfo.InvariantCulture) + " s"))} (PyTorch 1.13 with Debian's generic BLAS: not a speed anchor).");
        md.AppendLine().AppendLine($"![the curves](twins-{model}.png)").AppendLine();

        var series = new List<Series>();
        foreach (var s in seeds)
        {
            var x = Enumerable.Range(1, epochs).Select(e => (double)e).ToArray();
            series.Add(Series.Of($"Gen, seed {s}", x, gen[s].Validation.Take(epochs)));
            series.Add(Series.Of($"PyTorch, seed {s}", x, torchCurves[s].Validation.Take(epochs)));
        }

        Directory.CreateDirectory(outDirectory);
        TrainingCurves.Render(series, CurveOptions.Default.WithTitle($"{title}: {metric}, same start and order").WithLabels("epoch", "nats").WithSize(720, 440))
            .Save(Path.Combine(outDirectory, $"twins-{model}.png"));
        return new { epochs = rows, final_gap = finalGap, final_sd_between_seeds = finalSd, final_mean_gap = meanGap, final_mean_gap_standard_error = meanGapError };
    }

    private static Dictionary<long, Curve> Read(string directory, string prefix) =>
        Directory.GetFiles(directory, prefix + "-*.json").Select(f =>
        {
            using var document = JsonDocument.Parse(File.ReadAllText(f));
            var root = document.RootElement;
            return new Curve(root.GetProperty("implementation").GetString()!, root.GetProperty("seed").GetInt64(), root.GetProperty("window").GetInt32(),
                root.GetProperty("train_windows").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                root.GetProperty("validation").EnumerateArray().Select(v => v.GetDouble()).ToArray(), root.GetProperty("seconds").GetDouble());
        }).ToDictionary(c => c.Seed);
}
