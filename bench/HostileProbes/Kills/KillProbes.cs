using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Gen;
using Gen.Dsl;
using HostileProbes.Harness;
using HostileProbes.Training;

namespace HostileProbes.Kills;

/// <summary>
/// Category 5: saves killed part-way. A child process saves a model in a loop and is killed with SIGKILL at a seeded
/// random moment, 20 times over one file; after each kill the file must still load and hold a save at least as new as
/// the last one the child reported finished. Then the temporaries the kills left are aged past the documented ten
/// minutes and the next save must remove them. Five more kills land in training with a checkpoint.
/// </summary>
internal static class KillProbes
{
    public const string Category = "kills";

    public const string Description =
        "A child process (this program, `save-loop`) saves a MADE of 3.2 million parameters (a 26 MB checkpoint) in a loop, each save with every " +
        "parameter set to its number, and is killed with SIGKILL 20 times at seeded random moments (0-400 ms after it is ready; seed 20) over one " +
        "file; after each kill the file must load and hold a save no older than the last one the child reported finished (data loss otherwise). " +
        "Then the temporary files the kills left are aged by 11 minutes (the documented rule removes those of dead processes older than 10) and the " +
        "next save must remove them all (one left is counted as exhaustion of the disk). And a child training the moons flow with a checkpoint " +
        "after every epoch (`train-loop`) is killed 5 times (0-1500 ms, seed 25): its checkpoint must load and hold finite weights.";

    private const int Kills = 20;
    private const int TrainingKills = 5;

    private static readonly Lazy<string> Target = new(() =>
    {
        // A good checkpoint before the first kill: save 0.
        var path = Path.Combine(WorkFolder.Fresh("kills"), "model.ckpt");
        using var model = SaveLoop.Model();
        SaveLoop.Fill(model, 0);
        Model.Save(path, model);
        return path;
    });

    private static readonly Lazy<string> TrainingTarget = new(() =>
    {
        var path = Path.Combine(WorkFolder.Fresh("kills-training"), "run.ckpt");
        File.WriteAllBytes(path, MoonsRun.Reference(1));
        return path;
    });

    private static readonly ConcurrentDictionary<int, int> MidSave = new();

    public static IReadOnlyList<Probe> All()
    {
        var probes = new List<Probe>();
        var random = new Random(20);
        for (int i = 0; i < Kills; i++)
        {
            int delay = random.Next(400);
            int n = i;
            probes.Add(Probe.Of(Category, $"save loop killed after {delay} ms (kill {i + 1} of {Kills})", () => KillSaves(n, delay),
                $"// a process that runs: using var m = {SaveLoop.ModelSource}; for (k = 1; ; k++) {{ /* every parameter = k */ Model.Save(\"model.ckpt\", m); }}\n" +
                $"// killed with SIGKILL {delay} ms after it starts saving; then:\nModel.Load(\"model.ckpt\", Device.Cpu);  // must load, holding the last finished save or a later one",
                budgeted: false, timeoutSeconds: 60));
        }

        probes.Add(Probe.Of(Category, "the next save removes the temporaries of the killed saves (aged past 10 minutes)", Sweep,
            "// after the kills: every .model.ckpt.<pid>.<guid>.tmp left behind, its time set 11 minutes back\nModel.Save(\"model.ckpt\", m);  // must remove them",
            budgeted: false, timeoutSeconds: 60));

        var trainingRandom = new Random(25);
        for (int i = 0; i < TrainingKills; i++)
        {
            int delay = trainingRandom.Next(1500);
            probes.Add(Probe.Of(Category, $"training with a checkpoint killed after {delay} ms (kill {i + 1} of {TrainingKills})", () => KillTraining(delay),
                $"{MoonsRun.ModelSource}\nnew Trainer(model, adam, b => -model.LogProb(b).mean(), new TrainingOptions {{ Epochs = 100000, BatchSize = 100, CheckpointPath = \"run.ckpt\" }}).Fit(x);\n" +
                $"// killed with SIGKILL {delay} ms after training starts; then Model.Load<FlowModel>(\"run.ckpt\", Device.Cpu) must load, with finite weights",
                budgeted: false, timeoutSeconds: 60));
        }

        return probes;
    }

    private static Verdict KillSaves(int index, int delay)
    {
        var path = Target.Value;
        var (lastSaved, output) = RunAndKill("save-loop", path, delay);
        var temporaries = Temporaries(path);
        bool midSave = temporaries.Any(t => t.Contains($".{output.Pid}.", StringComparison.Ordinal));
        if (midSave)
        {
            MidSave[index] = 1;
        }

        string context = $"killed {delay} ms after ready, {(lastSaved is long k ? $"after save {k} finished" : "before any save finished")}; {(midSave ? "a save was in progress (its temporary file is left)" : "between saves")}";
        try
        {
            var value = SaveLoop.Value(path);
            if (value is null)
            {
                return Verdict.DataLoss($"{context}; the checkpoint loads but mixes values of several saves");
            }

            if (lastSaved is long last && value < last)
            {
                return Verdict.DataLoss($"{context}; the checkpoint holds save {value}, older than save {last}, which had finished");
            }

            return Verdict.Handled($"{context}; the checkpoint loads and holds save {value}");
        }
        catch (GenCheckpointException e)
        {
            return Verdict.DataLoss($"{context}; the checkpoint no longer loads: {e.Message}");
        }
    }

    private static Verdict Sweep()
    {
        var path = Target.Value;
        var left = Temporaries(path);
        long bytes = left.Sum(f => new FileInfo(f).Length);
        foreach (var t in left)
        {
            File.SetLastWriteTimeUtc(t, DateTime.UtcNow.AddMinutes(-11));
        }

        using (var model = SaveLoop.Model())
        {
            Model.Save(path, model);
        }

        var after = Temporaries(path);
        string context = $"{MidSave.Count} of {Kills} kills landed mid-save and left {left.Length} temporary files ({bytes / 1e6:0} MB)";
        return after.Length == 0
            ? new Verdict(Outcome.Handled, $"{context}; the next save removed them all", Note: $"Killed saves: {context}; every kill left a loadable checkpoint, and the next save removed them.")
            : new Verdict(Outcome.Exhaustion, $"{context}; {after.Length} are still there after the next save: {string.Join(", ", after.Select(Path.GetFileName))}");
    }

    private static Verdict KillTraining(int delay)
    {
        var path = TrainingTarget.Value;
        var (_, output) = RunAndKill("train-loop", path, delay);
        var pending = Directory.GetFiles(Path.GetDirectoryName(path)!).Where(f => f != path).Select(Path.GetFileName).ToArray();
        string context = $"killed {delay} ms after ready; {output.Lines} lines of output; beside it: {(pending.Length == 0 ? "nothing" : string.Join(", ", pending))}";
        try
        {
            return MoonsRun.Finite(path)
                ? Verdict.Handled($"{context}; the checkpoint loads, with finite weights")
                : Verdict.DataLoss($"{context}; the checkpoint holds non-finite weights");
        }
        catch (GenCheckpointException e)
        {
            return Verdict.DataLoss($"{context}; the checkpoint no longer loads: {e.Message}");
        }
    }

    private static string[] Temporaries(string path) =>
        Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.*.tmp");

    /// <summary>Starts this program in <paramref name="role"/>, waits for "ready", waits <paramref name="delay"/> ms, kills it; the last save it reported finished.</summary>
    private static (long? LastSaved, (int Pid, int Lines) Output) RunAndKill(string role, string path, int delay)
    {
        using var process = Process.Start(SelfProcess.StartInfo(new[] { role, path }))!;
        long lastSaved = -1;
        int lines = 0;
        using var ready = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.Set();
                return;
            }

            Interlocked.Increment(ref lines);
            if (e.Data == "ready")
            {
                ready.Set();
            }
            else if (e.Data.StartsWith("saved ", StringComparison.Ordinal))
            {
                Interlocked.Exchange(ref lastSaved, long.Parse(e.Data[6..], CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!ready.Wait(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the {role} child never became ready");
        }

        Thread.Sleep(delay);
        // What the child reported before the kill: a save reported finished had returned, so its rename was done.
        long reported = Interlocked.Read(ref lastSaved);
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return (reported < 0 ? null : reported, (process.Id, lines));
    }
}
