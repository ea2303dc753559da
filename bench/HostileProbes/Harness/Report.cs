using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HostileProbes.Harness;

/// <summary>The results file: where and how it was made, the counts per category and in total, the targets, every defect with its reproduction, the unclear messages, and the rules.</summary>
internal sealed class Report
{
    private readonly Machine machine;
    private readonly bool dirty;
    private readonly string command;
    private readonly TimeSpan elapsed;
    private readonly List<ProbeResult> results;

    public Report(Machine machine, bool dirty, string command, TimeSpan elapsed, List<ProbeResult> results)
    {
        this.machine = machine;
        this.dirty = dirty;
        this.command = command;
        this.elapsed = elapsed;
        this.results = results;
    }

    private IEnumerable<(string Name, string Title, List<ProbeResult> Results)> Categories() =>
        Catalog.Categories.Select(c => (c.Name, c.Title, results.Where(r => r.Category == c.Name).ToList())).Where(c => c.Item3.Count > 0);

    public string Markdown()
    {
        var md = new StringBuilder();
        var total = Summary.Of(results);
        md.AppendLine("# Hostile-input probes");
        md.AppendLine();
        md.AppendLine("Gen's public surface fed what a careless user or an attacker would feed it: bad spec documents, damaged and forged checkpoints, " +
                      "misbehaving download servers, training that breaks, saves killed part-way, and unsafe native-library caches. Each probe runs " +
                      "under a watchdog in a supervised process (`bench/HostileProbes`, run by `bench/HostileProbes/run.sh`).");
        md.AppendLine();
        md.AppendLine($"- Machine: {machine.Cpu}, {machine.Cores} cores, {machine.Memory}; {machine.Os} (Linux {machine.Kernel}); torch threads 1");
        md.AppendLine($"- Date: {machine.Date}");
        md.AppendLine($"- Commit: `{machine.Commit}`{(dirty ? " (with uncommitted changes to tracked files)" : "")}");
        md.AppendLine($"- Command: `{command}`");
        md.AppendLine($"- Wall time of the whole run: {elapsed.TotalMinutes:0.0} min");
        md.AppendLine();
        md.AppendLine("## Counts");
        md.AppendLine();
        md.AppendLine("| category | probes | clear errors | unclear errors | handled | hangs or exhaustion | data losses | unsafe loads | raw exceptions | refusals over 1 s or 100 MB | slowest refusal | largest refusal |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var (_, title, list) in Categories())
        {
            md.AppendLine(Row(title, Summary.Of(list)));
        }

        md.AppendLine(Row("**total**", total));
        md.AppendLine();
        md.AppendLine("\"Handled\" counts probes with nothing to refuse (a mutated document that is still a valid spec) or a documented recovery (a checkpoint " +
                      "that survived a killed save, a runtime that loaded from a safe fallback folder). Times are wall-clock; memory is the larger of the " +
                      "peak resident growth and the managed allocation during the probe (see the rules below).");
        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        var budgeted = results.Where(r => r.Budgeted && r.Refusal && r.Outcome is Outcome.Clear or Outcome.Unclear or Outcome.Raw).ToList();
        md.AppendLine($"| target | result | met |");
        md.AppendLine("|---|---|---|");
        md.AppendLine($"| 0 hangs | {results.Count(r => r.Outcome == Outcome.Hang)} | {Met(results.All(r => r.Outcome != Outcome.Hang))} |");
        md.AppendLine($"| 0 exhaustion | {results.Count(r => r.Outcome == Outcome.Exhaustion)} | {Met(results.All(r => r.Outcome != Outcome.Exhaustion))} |");
        md.AppendLine($"| 0 data loss | {total.DataLosses} | {Met(total.DataLosses == 0)} |");
        md.AppendLine($"| 0 unsafe native loads | {total.Unsafe} | {Met(total.Unsafe == 0)} |");
        md.AppendLine($"| 0 raw exceptions | {total.Raw} | {Met(total.Raw == 0)} |");
        var slow = budgeted.MaxBy(r => r.Seconds);
        var large = budgeted.MaxBy(Summary.Memory);
        md.AppendLine($"| every hostile spec or checkpoint refused in under 1 s | slowest of {budgeted.Count}: {Seconds(slow)} ({slow?.Name}) | {Met(budgeted.All(r => r.Seconds <= Rules.RefusalSeconds))} |");
        md.AppendLine($"| ... and under 100 MB | largest: {Megabytes(large)} ({large?.Name}) | {Met(budgeted.All(r => Summary.Memory(r) <= Rules.RefusalBytes))} |");
        md.AppendLine();

        md.AppendLine("## Worst refusals");
        md.AppendLine();
        md.AppendLine("| category | slowest refusal | its memory | largest refusal | its time |");
        md.AppendLine("|---|---|---:|---|---:|");
        foreach (var (_, title, list) in Categories())
        {
            var s = Summary.Of(list);
            md.AppendLine($"| {title} | {Cell(s.Slowest?.Name)}: {Seconds(s.Slowest)} | {Megabytes(s.Slowest)} | {Cell(s.Largest?.Name)}: {Megabytes(s.Largest)} | {Seconds(s.Largest)} |");
        }

        md.AppendLine();
        var defects = results.Where(r => r.IsDefect).ToList();
        // Undocumented exceptions of one kind are one defect met in many places; every other defect is listed on its own.
        var groups = defects.GroupBy(r => r.Outcome == Outcome.Raw ? $"{r.Category}|{r.Exception}|{Mask(r.Detail)}" : $"{r.Category}|{r.Index}").ToList();
        md.AppendLine($"## Defects ({defects.Count} probes, {groups.Count} distinct)");
        md.AppendLine();
        if (defects.Count == 0)
        {
            md.AppendLine("None: no probe hung, exhausted memory, lost data, loaded a native library from an unsafe place or met an undocumented exception, and every hostile spec or checkpoint was refused within the budget.");
        }
        else
        {
            md.AppendLine("Undocumented exceptions of the same type and message (numbers and quoted text masked) in one category are listed together, with the first probe's detail and reproduction; every other defect is listed on its own.");
            md.AppendLine();
        }

        int n = 0;
        foreach (var group in groups)
        {
            var d = group.First();
            md.AppendLine($"### D{++n}. {Cell(d.Category)}: {Cell(d.Name)}{(group.Count() > 1 ? $" (and {group.Count() - 1} more like it)" : "")}");
            md.AppendLine();
            md.AppendLine($"- Outcome: **{d.Outcome}**{(d.OverBudget ? " (over the refusal budget)" : "")}; {Seconds(d)}, peak resident growth {d.PeakGrowthBytes / 1e6:0.0} MB, " +
                          (d.AllocatedBytes < 0 ? "allocation unknown (the process was stopped)" : $"allocated {d.AllocatedBytes / 1e6:0.0} MB") +
                          (group.Count() > 1 ? $" (over the group: at most {group.Max(r => r.Seconds):0.###} s and {group.Max(Summary.Memory) / 1e6:0.0} MB)" : ""));
            md.AppendLine($"- Probe #{d.Index} of its category{(d.Exception is null ? "" : $"; exception `{d.Exception}`")}. Observed:");
            md.AppendLine();
            md.AppendLine("```text");
            md.AppendLine(d.Detail.Length <= 3000 ? d.Detail : d.Detail[..3000] + " ...");
            md.AppendLine("```");
            md.AppendLine();
            md.AppendLine("Reproduction:");
            md.AppendLine();
            md.AppendLine("```csharp");
            md.AppendLine(d.Reproduction);
            md.AppendLine("```");
            md.AppendLine();
            if (group.Count() > 1)
            {
                var names = group.Skip(1).Select(r => r.Name).ToList();
                md.AppendLine($"The others: {string.Join("; ", names.Take(30).Select(Cell))}{(names.Count > 30 ? $"; and {names.Count - 30} more" : "")}.");
                md.AppendLine();
            }
        }

        var unclear = results.Where(r => r.Outcome == Outcome.Unclear).ToList();
        md.AppendLine($"## Unclear errors ({unclear.Count})");
        md.AppendLine();
        md.AppendLine(unclear.Count == 0
            ? "None."
            : "Documented exceptions whose message missed the place or the value, grouped by the message with numbers and quoted text masked; one example each.");
        md.AppendLine();
        foreach (var group in unclear.GroupBy(r => Mask(r.Detail)).OrderByDescending(g => g.Count()))
        {
            var first = group.First();
            md.AppendLine($"- {group.Count()} × e.g. `{Cell(first.Name)}`: {Cell(first.Detail.Split('\n')[0])}");
        }

        md.AppendLine();
        var notes = results.Where(r => r.Note is not null).GroupBy(r => Mask(r.Note!)).ToList();
        md.AppendLine($"## Observations ({notes.Count})");
        md.AppendLine();
        md.AppendLine(notes.Count == 0 ? "None." : "Not defects by the rules above, but worth knowing.");
        md.AppendLine();
        foreach (var note in notes)
        {
            md.AppendLine($"- {Cell(note.First().Note)}{(note.Count() > 1 ? $" ({note.Count()} probes like this, e.g. `{Cell(note.First().Name)}`)" : $" (`{Cell(note.First().Name)}`)")}");
        }

        md.AppendLine();
        md.AppendLine("## What each category probes");
        md.AppendLine();
        foreach (var (name, title) in Catalog.Categories)
        {
            md.AppendLine($"- **{title}**: {Catalog.Description(name)}");
        }

        md.AppendLine();
        md.AppendLine("## Rules");
        md.AppendLine();
        foreach (var rule in Rules.Text)
        {
            md.AppendLine($"- {rule}");
        }

        return md.ToString();
    }

    public string Json()
    {
        JsonObject Counts(Summary s) => new()
        {
            ["probes"] = s.Probes, ["clear_errors"] = s.Clear, ["unclear_errors"] = s.Unclear, ["handled"] = s.Handled,
            ["hangs_or_exhaustion"] = s.HangsOrExhaustion, ["data_losses"] = s.DataLosses, ["unsafe_loads"] = s.Unsafe, ["raw_exceptions"] = s.Raw,
            ["refusals_over_budget"] = s.OverBudget, ["slowest_refusal"] = Brief(s.Slowest), ["largest_refusal"] = Brief(s.Largest),
        };
        var root = new JsonObject
        {
            ["machine"] = JsonSerializer.SerializeToNode(machine),
            ["uncommitted_changes"] = dirty,
            ["command"] = command,
            ["wall_seconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["total"] = Counts(Summary.Of(results)),
            ["categories"] = new JsonObject(Categories().Select(c => new KeyValuePair<string, JsonNode?>(c.Name, Counts(Summary.Of(c.Results))))),
            ["defects"] = new JsonArray(results.Where(r => r.IsDefect).Select(r => JsonSerializer.SerializeToNode(r, Wire.Options)).ToArray()),
            ["unclear"] = new JsonArray(results.Where(r => r.Outcome == Outcome.Unclear).Select(r => (JsonNode)new JsonObject { ["category"] = r.Category, ["name"] = r.Name, ["message"] = r.Detail }).ToArray()),
            ["observations"] = new JsonArray(results.Where(r => r.Note is not null).GroupBy(r => Mask(r.Note!))
                .Select(g => (JsonNode)new JsonObject { ["note"] = g.First().Note, ["probes"] = new JsonArray(g.Select(r => (JsonNode)r.Name).ToArray()) }).ToArray()),
            ["rules"] = new JsonArray(Rules.Text.Select(t => (JsonNode)t).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject? Brief(ProbeResult? r) => r is null ? null : new JsonObject
    {
        ["probe"] = r.Name, ["seconds"] = Math.Round(r.Seconds, 4), ["peak_growth_bytes"] = r.PeakGrowthBytes, ["allocated_bytes"] = r.AllocatedBytes,
    };

    private static string Row(string title, Summary s) =>
        $"| {title} | {s.Probes} | {s.Clear} | {s.Unclear} | {s.Handled} | {s.HangsOrExhaustion} | {s.DataLosses} | {s.Unsafe} | {s.Raw} | {s.OverBudget} | {Seconds(s.Slowest)} | {Megabytes(s.Largest)} |";

    private static string Seconds(ProbeResult? r) => r is null ? "-" : r.Seconds < 1 ? $"{r.Seconds * 1000:0.#} ms" : $"{r.Seconds:0.00} s";

    private static string Megabytes(ProbeResult? r) => r is null ? "-" : $"{Summary.Memory(r) / 1e6:0.0} MB";

    private static string Met(bool met) => met ? "yes" : "**no**";

    private static string Cell(string? text) => (text ?? "-").Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Mask(string message) =>
        System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(message.Split('\n')[0], "'[^']*'|\"[^\"]*\"", "'…'"), @"\d+", "N");
}
