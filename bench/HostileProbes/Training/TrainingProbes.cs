using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Gen.Dsl;
using Gen.Optimization;
using HostileProbes.Harness;
using HostileProbes.Specs;
using TorchSharp;

namespace HostileProbes.Training;

/// <summary>
/// Category 4: training that breaks (a learning-rate spike, NaN or infinite data, NaN gradients) while a checkpoint is
/// kept. The trainer documents a <see cref="TrainingDivergedException"/> naming the step and the term, and that the
/// checkpoint always holds the last good model; so afterwards the checkpoint must load, hold finite weights, and be
/// bit for bit the one an undamaged run to the last good epoch leaves (or, where no epoch was confirmed, the good
/// checkpoint that was there before, unchanged).
/// </summary>
internal static class TrainingProbes
{
    public const string Category = "training";

    public const string Description =
        "A flow on the two moons (1,000 points, batches of 100: ten steps an epoch, counted from 0) trained by `Trainer.Fit` with " +
        "`TrainingOptions.CheckpointPath`, broken by: a learning rate of 1e10 at the last step of epoch 4 (step 39; also with checks only every 20 " +
        "steps, and with validation data), at the last step of epoch 1 over a good checkpoint from an earlier run, in the middle of epoch 3 " +
        "(step 25), and at the very last step of the run (step 79 of 8 epochs; without and with validation data); NaN and infinite rows in the data (over a good checkpoint), a " +
        "NaN batch at the end of epoch 4 from a streaming source; NaN gradients with a finite loss at step 39, at step 79, and at step 39 with " +
        "gradient clipping; a NaN loss from the first step over a good checkpoint; NaN validation data. Data loss: afterwards the checkpoint " +
        "is unreadable, holds non-finite weights, differs from the undamaged run's checkpoint of the last good epoch, or a good checkpoint that " +
        "was there before has changed.";

    private const string Spike = "s => s == STEP ? 1e10 : 1e-3";

    public static IReadOnlyList<Probe> All() => new[]
    {
        Case("a learning rate of 1e10 at the last step of epoch 4", epochs: 8, spikeAt: 39, expectEpoch: 3),
        Case("a learning rate of 1e10 at the last step of epoch 4, loss checked every 20 steps", epochs: 8, spikeAt: 39, expectEpoch: 3, checkEvery: 20),
        Case("a learning rate of 1e10 at the last step of epoch 4, with validation data", epochs: 8, spikeAt: 39, expectEpoch: 3, validation: true),
        Case("a learning rate of 1e10 at the last step of epoch 1, over a good checkpoint", epochs: 8, spikeAt: 9, expectEpoch: null),
        Case("a learning rate of 1e10 in the middle of epoch 3 (step 25)", epochs: 8, spikeAt: 25, expectEpoch: 2),
        Case("a learning rate of 1e10 at the very last step of the run (step 79 of 8 epochs)", epochs: 8, spikeAt: 79, expectEpoch: 7),
        Case("a learning rate of 1e10 at the very last step of the run, with validation data", epochs: 8, spikeAt: 79, expectEpoch: 7, validation: true),
        Case("a NaN row in the data, over a good checkpoint", epochs: 8, poison: float.NaN, expectEpoch: null),
        Case("an infinite row in the data, over a good checkpoint", epochs: 8, poison: float.PositiveInfinity, expectEpoch: null),
        Case("a NaN batch at the end of epoch 4 from a streaming source", epochs: 8, nanBatchEpoch: 4, expectEpoch: 3),
        Case("NaN gradients with a finite loss at step 39", epochs: 8, nanGradientAt: 39, expectEpoch: 3),
        Case("NaN gradients with a finite loss at the very last step (79)", epochs: 8, nanGradientAt: 79, expectEpoch: 7),
        Case("NaN gradients at step 39 with gradient clipping", epochs: 8, nanGradientAt: 39, expectEpoch: 3, clip: 1.0),
        Case("a NaN loss from the first step, over a good checkpoint", epochs: 8, nanLossFrom: 0, expectEpoch: null),
        Case("NaN validation data", epochs: 4, nanValidation: true, expectEpoch: null),
    };

    private static Probe Case(
        string name, int epochs, int? expectEpoch, long? spikeAt = null, int checkEvery = 1, bool validation = false, float? poison = null,
        int? nanBatchEpoch = null, long? nanGradientAt = null, double? clip = null, long? nanLossFrom = null, bool nanValidation = false)
    {
        // Where no epoch can be confirmed before the damage, a good checkpoint from an earlier run must survive as it was.
        bool overGood = expectEpoch is null;
        var repro = new List<string> { MoonsRun.ModelSource };
        if (overGood)
        {
            repro.Add("// \"run.ckpt\" holds a good checkpoint from an earlier, undamaged run of 3 epochs");
        }

        var options = $"new TrainingOptions {{ Epochs = {epochs}, BatchSize = 100, CheckpointPath = \"run.ckpt\"" +
            (spikeAt is long s ? $", LearningRate = {Spike.Replace("STEP", s.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)}" : "") +
            (checkEvery != 1 ? $", CheckFiniteEvery = {checkEvery}" : "") + (clip is double c ? $", ClipGradientNorm = {c}" : "") + " }";
        string loss = nanGradientAt is long g ? $"b => {{ var l = -model.LogProb(b).mean(); return step++ == {g} ? l + (model.parameters().First().sum() * 0).abs().sqrt() : l; }}  // finite value, NaN gradient"
            : nanLossFrom is not null ? "b => -model.LogProb(b).mean() * float.NaN"
            : "b => -model.LogProb(b).mean()";
        string data = poison is float p ? $"x[0, 0] = {(float.IsNaN(p) ? "float.NaN" : "float.PositiveInfinity")}; " : "";
        string fit = nanBatchEpoch is int e ? $"trainer.Fit(epoch => /* the 10 batches of x, the last of epoch {e} all NaN */ batches(epoch));"
            : validation || nanValidation ? $"trainer.Fit(x, {(nanValidation ? "heldOut.fill_(float.NaN)" : "heldOut")});" : "trainer.Fit(x);";
        repro.Add($"{data}var trainer = new Trainer(model, adam, {loss}, {options}){(validation || nanValidation ? " { Validation = v => -model.LogProb(v) }" : "")};");
        repro.Add(fit);
        repro.Add($"// afterwards: Model.Load<FlowModel>(\"run.ckpt\", Device.Cpu) should hold {(expectEpoch is int k ? $"the weights of the end of epoch {k}" : "the good checkpoint, unchanged")}");

        return Probe.Of(Category, name, () => Run(epochs, expectEpoch, spikeAt, checkEvery, validation, poison, nanBatchEpoch, nanGradientAt, clip, nanLossFrom, nanValidation, overGood),
            string.Join("\n", repro), budgeted: false, timeoutSeconds: 60);
    }

    private static Verdict Run(
        int epochs, int? expectEpoch, long? spikeAt, int checkEvery, bool validation, float? poison, int? nanBatchEpoch, long? nanGradientAt, double? clip,
        long? nanLossFrom, bool nanValidation, bool overGood)
    {
        var path = Path.Combine(WorkFolder.Fresh("train"), "run.ckpt");
        var before = overGood ? MoonsRun.Reference(3) : null;
        if (before is not null)
        {
            File.WriteAllBytes(path, before);
        }

        var expected = expectEpoch is int k && k > 0 ? MoonsRun.Reference(k, validation, streamed: nanBatchEpoch is not null, clip) : null;
        using var model = MoonsRun.Model();
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        using var x = MoonsRun.Moons();
        using var held = MoonsRun.HeldOut();
        if (poison is float p)
        {
            x[0, 0] = torch.tensor(p);
        }

        if (nanValidation)
        {
            held.fill_(float.NaN);
        }

        var options = MoonsRun.Options(path, epochs) with
        {
            LearningRate = spikeAt is long s ? step => step == s ? 1e10 : 1e-3 : null,
            CheckFiniteEvery = checkEvery,
            ClipGradientNorm = clip,
        };
        var trainer = MoonsRun.Trainer(model, adam, options, (step, m) =>
            nanGradientAt == step ? (m.parameters().First().sum() * 0).abs().sqrt()
            : nanLossFrom is long from && step >= from ? torch.tensor(float.NaN)
            : null, validation || nanValidation);

        string outcome;
        Outcome kind;
        try
        {
            if (nanBatchEpoch is int bad)
            {
                trainer.Fit(epoch => MoonsRun.Batches(x, epoch == bad));
            }
            else
            {
                trainer.Fit(x, validation || nanValidation ? held : null);
            }

            outcome = "training ended without an error";
            kind = Outcome.Handled;
        }
        catch (TrainingDivergedException e)
        {
            bool clear = e.Message.Contains($"step {e.Step}", StringComparison.Ordinal) && e.Message.Contains(e.Term, StringComparison.Ordinal);
            outcome = $"{nameof(TrainingDivergedException)} at step {e.Step}, term {e.Term}, restored epoch {e.RestoredEpoch}: {SpecJudge.Shorten(e.Message)}";
            kind = clear ? Outcome.Clear : Outcome.Unclear;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return SpecJudge.Raw(e);
        }

        return Checkpoint(path, before, expected, expectEpoch, outcome, kind);
    }

    // The checkpoint afterwards: a good one from before must be unchanged; else the undamaged run's of the last good epoch.
    private static Verdict Checkpoint(string path, byte[]? before, byte[]? expected, int? expectEpoch, string outcome, Outcome kind)
    {
        bool refused = kind != Outcome.Handled;
        var leftovers = Directory.GetFiles(Path.GetDirectoryName(path)!).Where(f => f != path).Select(Path.GetFileName).ToArray();
        string tail = leftovers.Length == 0 ? "" : $"; also in the folder: {string.Join(", ", leftovers)}";
        if (before is not null)
        {
            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(before))
            {
                return new Verdict(Outcome.DataLoss, $"{outcome}; the good checkpoint that was there before {(File.Exists(path) ? "was replaced" : "is gone")}{tail}", Refusal: refused);
            }

            return new Verdict(kind, $"{outcome}; the good checkpoint from before is unchanged{tail}", Refusal: refused);
        }

        if (expected is null)
        {
            return new Verdict(kind, $"{outcome}{tail}", Refusal: refused);
        }

        try
        {
            if (!MoonsRun.Finite(path))
            {
                return new Verdict(Outcome.DataLoss, $"{outcome}; the checkpoint holds non-finite weights{tail}", Refusal: refused);
            }

            if (!MoonsRun.SameWeights(path, expected))
            {
                return new Verdict(Outcome.DataLoss,
                    $"{outcome}; the checkpoint does not hold the end of epoch {expectEpoch} (the last good epoch): its loss on the data is {MoonsRun.Loss(path):G4}, " +
                    $"against {LossOf(expected):G4} at the end of epoch {expectEpoch}{tail}", Refusal: refused);
            }
        }
        catch (GenCheckpointException e)
        {
            return new Verdict(Outcome.DataLoss, $"{outcome}; the checkpoint cannot be read: {e.Message}{tail}", Refusal: refused);
        }

        return new Verdict(kind, $"{outcome}; the checkpoint holds the end of epoch {expectEpoch}, bit for bit{tail}", Refusal: refused);
    }

    private static double LossOf(byte[] checkpoint)
    {
        var path = Path.Combine(WorkFolder.Fresh("loss"), "c.ckpt");
        File.WriteAllBytes(path, checkpoint);
        return MoonsRun.Loss(path);
    }
}
