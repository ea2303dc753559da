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
    public static int Merge(string inputs, string outDirectory, string date, string command, string? note)
    {
        var rows = new List<QualityRow>();
        foreach (var file in Directory.GetFiles(inputs, "*.json").Order(StringComparer.Ordinal))
        {
            foreach (var row in JsonSerializer.Deserialize<List<QualityRow>>(File.ReadAllText(file)) ?? new())
            {
                rows.RemoveAll(r => r.Model == row.Model && r.Dataset == row.Dataset && r.Metric == row.Metric);
                rows.Add(row);
            }
        }

        var order = QualityCatalog.All.Select(c => c.Name).ToList();
        rows = rows.OrderBy(r => order.IndexOf(r.Model) is var i && i < 0 ? int.MaxValue : i).ToList();
        Directory.CreateDirectory(outDirectory);
        var document = new Dictionary<string, object?> { ["date"] = date, ["command"] = command, ["note"] = note, ["rows"] = rows };
        File.WriteAllText(Path.Combine(outDirectory, "quality.json"), JsonSerializer.Serialize(document, Json.Options));
        File.WriteAllText(Path.Combine(outDirectory, "quality.md"), Markdown(rows, date, command, note));
        Console.WriteLine($"wrote {rows.Count} rows to {Path.Combine(outDirectory, "quality.json")} and quality.md");
        return 0;
    }

    private static string Markdown(IReadOnlyList<QualityRow> rows, string date, string command, string? note)
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

        return md.ToString();
    }
}
