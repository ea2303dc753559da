using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Gen.Bench;

/// <summary>
/// The quality command: trains each chosen case within a wall-time budget, measures it, and writes its rows to a JSON
/// file; the merge step collects such files (from one machine or several runs) into quality.json and quality.md.
/// </summary>
internal static class Quality
{
    /// <summary>Runs <paramref name="cases"/> one after another and writes their rows to <paramref name="json"/>.</summary>
    public static int Run(QualityContext context, IReadOnlyList<QualityCase> cases, string json)
    {
        var rows = new List<QualityRow>();
        foreach (var c in cases)
        {
            string budget = context.ConvergeDirectory is null ? $"{context.Seconds:F0} s budget" : $"to convergence, patience {context.Patience}, state in {context.ConvergeDirectory}";
            Console.WriteLine($"{c.Name}: {c.Description} ({budget}, {context.Device.type})");
            foreach (var row in c.Run(context))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {row.Metric}: {row.Value:F2} (paper {row.PaperValue?.ToString("F2", CultureInfo.InvariantCulture) ?? "-"}); {row.Budget}"));
                rows.Add(row);
            }

            // Written after every case, so a run cut short keeps what it finished.
            File.WriteAllText(json, JsonSerializer.Serialize(rows, Json.Options));
        }

        return 0;
    }

    /// <summary>
    /// Collects the rows of every *.json file in <paramref name="inputs"/> (a later file's row replaces an earlier one of
    /// the same model, data set and metric) into <paramref name="outDirectory"/>/quality.json and quality.md.
    /// </summary>
    public static int Merge(string inputs, string outDirectory, string date, string command, string? note, string? reasonsFile = null, string? curves = null)
    {
        var rows = new List<QualityRow>();
        foreach (var file in Directory.GetFiles(inputs, "*.json").Order(StringComparer.Ordinal))
        {
            // A rows file, or an earlier quality.json whose rows are kept unless a later file measures them again.
            using var parsed = JsonDocument.Parse(File.ReadAllText(file));
            var list = parsed.RootElement.ValueKind == JsonValueKind.Object ? parsed.RootElement.GetProperty("rows") : parsed.RootElement;
            foreach (var row in list.Deserialize<List<QualityRow>>(Json.Options) ?? new())
            {
                rows.RemoveAll(r => r.Model == row.Model && r.Dataset == row.Dataset && r.Metric == row.Metric);
                rows.Add(row);
            }
        }

        var order = QualityCatalog.All.Select(c => c.Name).ToList();
        rows = rows.OrderBy(r => order.IndexOf(r.Model) is var i && i < 0 ? int.MaxValue : i).ToList();
        Directory.CreateDirectory(outDirectory);
        // Why a row is still behind its paper, as measured (a JSON object from model name to text), and each converged
        // case's learning curve (DIR/CASE/curve.png, copied to quality/CASE.png).
        var reasons = reasonsFile is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(reasonsFile)) ?? new();
        // A curve drawn by an earlier merge stays when its run's folder is not at hand (another machine's).
        var pictures = new List<string>();
        Directory.CreateDirectory(Path.Combine(outDirectory, "quality"));
        foreach (var model in rows.Select(r => r.Model).Distinct())
        {
            var csv = curves is null ? null : Path.Combine(curves, model, "curve.csv");
            var png = Path.Combine(outDirectory, "quality", model + ".png");
            if (csv is not null && File.Exists(csv))
            {
                Curve(csv, model, rows.First(r => r.Model == model).PaperValue).Save(png);
                pictures.Add(model);
            }
            else if (File.Exists(png))
            {
                pictures.Add(model);
            }
        }

        var document = new Dictionary<string, object?> { ["date"] = date, ["command"] = command, ["note"] = note, ["rows"] = rows, ["reasons"] = reasons };
        File.WriteAllText(Path.Combine(outDirectory, "quality.json"), JsonSerializer.Serialize(document, Json.Options));
        File.WriteAllText(Path.Combine(outDirectory, "quality.md"), Markdown(rows, date, command, note, reasons, pictures));
        Console.WriteLine($"wrote {rows.Count} rows to {Path.Combine(outDirectory, "quality.json")} and quality.md");
        return 0;
    }

    // A converged run's curve from its CSV: from the first epoch whose validation NLL is within 10 % of the best (the
    // first epochs' hundreds of nats would flatten the rest), with the paper's figure as a line.
    private static Gen.Plots.Picture Curve(string csv, string model, double? paper)
    {
        var lines = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToArray();
        var epoch = lines.Select(l => double.Parse(l[0], CultureInfo.InvariantCulture)).ToArray();
        var train = lines.Select(l => double.Parse(l[2], CultureInfo.InvariantCulture)).ToArray();
        var valid = lines.Select(l => l[3].Length == 0 ? double.NaN : double.Parse(l[3], CultureInfo.InvariantCulture)).ToArray();
        double best = valid.Where(double.IsFinite).DefaultIfEmpty(train.Min()).Min();
        int from = Math.Max(0, Array.FindIndex(valid, v => v <= 1.1 * best));
        var x = epoch[from..];
        var series = new List<Gen.Plots.Series> { Gen.Plots.Series.Of("training", x, train[from..]), Gen.Plots.Series.Of("validation", x, valid[from..]) };
        if (paper is double p && double.IsFinite(p))
        {
            series.Add(Gen.Plots.Series.Of("paper (test)", new[] { x[0], x[^1] }, new[] { p, p }));
        }

        return Gen.Plots.TrainingCurves.Render(series, Gen.Plots.CurveOptions.Default.WithTitle($"{model}: NLL per example").WithLabels("epoch", "nats").WithSize(640, 400));
    }

    private static string Markdown(IReadOnlyList<QualityRow> rows, string date, string command, string? note, IReadOnlyDictionary<string, string> reasons, IReadOnlyList<string> pictures)
    {
        static string F(double? v) => v is double d ? d.ToString("F2", CultureInfo.InvariantCulture) : "-";
        var md = new StringBuilder();
        md.AppendLine("# Gen against the papers' tables").AppendLine();
        md.AppendLine($"Measured {date}. Command: `{command}`.").AppendLine();
        if (note is not null)
        {
            md.AppendLine(note).AppendLine();
        }

        md.AppendLine("| model | data | metric | Gen | paper | paper's source |");
        md.AppendLine("|---|---|---|---:|---:|---|");
        foreach (var r in rows)
        {
            md.AppendLine($"| {r.Model} | {r.Dataset} | {r.Metric} | {F(r.Value)} | {F(r.PaperValue)} | {r.Paper} |");
        }

        md.AppendLine().AppendLine("## Models and budgets").AppendLine();
        foreach (var group in rows.GroupBy(r => r.Model))
        {
            var first = group.First();
            md.AppendLine($"- **{group.Key}**: `{first.Architecture.ReplaceLineEndings("; ")}`; {first.Budget}.");
            foreach (var n in group.Select(r => r.Note).Where(n => n is not null).Distinct())
            {
                md.AppendLine($"  {n}.");
            }
        }

        if (reasons.Count > 0)
        {
            md.AppendLine().AppendLine("## Rows behind their papers: what was measured").AppendLine();
            foreach (var (model, reason) in reasons)
            {
                md.AppendLine($"- **{model}**: {reason}");
            }
        }

        if (pictures.Count > 0)
        {
            md.AppendLine().AppendLine("## Learning curves of the runs to convergence").AppendLine();
            foreach (var model in pictures)
            {
                md.AppendLine($"![{model}](quality/{model}.png)");
            }
        }

        return md.ToString();
    }
}
