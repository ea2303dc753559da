using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using Gen;
using Gen.Data;
using Gen.Dsl;
using Gen.Optimization;
using HostileProbes.Harness;
using TorchSharp;

namespace HostileProbes.Training;

/// <summary>
/// The training run the probes break: a RealNVP-style flow on 1,000 points of the two moons, batches of 100 (ten steps
/// an epoch, steps counted from 0), Adam at 1e-3, a checkpoint after every epoch. Reference runs without the damage
/// give the checkpoint each epoch must leave.
/// </summary>
internal static class MoonsRun
{
    /// <summary>The steps of one epoch.</summary>
    public const int StepsPerEpoch = 10;

    /// <summary>The C# of the model, for reproductions.</summary>
    public const string ModelSource =
        "var x = ToyData.Sample(ToySet.Moons, 1000, Device.Cpu, Seed.Generator(0));\n" +
        "using var model = Flow.Over(Dist.StandardNormal(2)).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(16))).Then(Bij.Reverse()).Repeat(2).Compile(Device.Cpu, seed: 0);\n" +
        "using var adam = new FusedAdam(model.parameters(), 1e-3);";

    private static readonly ConcurrentDictionary<(int Epochs, bool Validation, bool Streamed, double? Clip), byte[]> References = new();

    public static FlowModel Model() =>
        Flow.Over(Dist.StandardNormal(2)).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(16))).Then(Bij.Reverse()).Repeat(2).Compile(Device.Cpu, seed: 0);

    public static torch.Tensor Moons() => ToyData.Sample(ToySet.Moons, 1000, Device.Cpu, Seed.Generator(0));

    public static torch.Tensor HeldOut() => ToyData.Sample(ToySet.Moons, 300, Device.Cpu, Seed.Generator(1));

    /// <summary>A trainer over <paramref name="model"/> whose loss is the mean negative log-likelihood, plus <paramref name="extra"/> at a step.</summary>
    public static Trainer Trainer(FlowModel model, FusedAdam adam, TrainingOptions options, Func<long, FlowModel, torch.Tensor?>? extra = null, bool validation = false)
    {
        long step = 0;
        return new Trainer(model, adam, b =>
        {
            var loss = -model.LogProb(b).mean();
            var add = extra?.Invoke(step++, model);
            return add is null ? loss : loss + add;
        }, options) { Validation = validation ? x => -model.LogProb(x) : null };
    }

    /// <summary>
    /// The checkpoint that an undamaged run of <paramref name="epochs"/> epochs leaves (with validation: of its best epoch;
    /// <paramref name="streamed"/>: trained on <see cref="Batches"/> rather than shuffled batches; <paramref name="clip"/>: with gradient clipping).
    /// </summary>
    public static byte[] Reference(int epochs, bool validation = false, bool streamed = false, double? clip = null) => References.GetOrAdd((epochs, validation, streamed, clip), key =>
    {
        var path = Path.Combine(WorkFolder.Fresh("reference"), "reference.ckpt");
        using var model = Model();
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        using var x = Moons();
        using var held = HeldOut();
        var trainer = Trainer(model, adam, Options(path, key.Epochs) with { ClipGradientNorm = key.Clip }, validation: key.Validation);
        if (key.Streamed)
        {
            trainer.Fit(_ => Batches(x, bad: false));
        }
        else
        {
            trainer.Fit(x, key.Validation ? held : null);
        }

        return File.ReadAllBytes(path);
    });

    /// <summary>The ten batches of <paramref name="x"/> in order, as a streaming source gives them; when <paramref name="bad"/>, the last is all NaN.</summary>
    public static System.Collections.Generic.IEnumerable<torch.Tensor> Batches(torch.Tensor x, bool bad)
    {
        for (int i = 0; i < StepsPerEpoch; i++)
        {
            var batch = x.narrow(0, i * 100, 100);
            yield return bad && i == StepsPerEpoch - 1 ? torch.full_like(batch, float.NaN) : batch;
        }
    }

    public static TrainingOptions Options(string checkpoint, int epochs) => new() { Epochs = epochs, BatchSize = 100, CheckpointPath = checkpoint };

    /// <summary>Whether the checkpoint at <paramref name="path"/> holds the same parameters, bit for bit, as the reference bytes.</summary>
    public static bool SameWeights(string path, byte[] reference)
    {
        var copy = Path.Combine(WorkFolder.Fresh("compare"), "reference.ckpt");
        File.WriteAllBytes(copy, reference);
        using var a = Gen.Dsl.Model.Load<FlowModel>(path, Device.Cpu);
        using var b = Gen.Dsl.Model.Load<FlowModel>(copy, Device.Cpu);
        return a.parameters().Zip(b.parameters()).All(p => p.First.shape.SequenceEqual(p.Second.shape) && p.First.eq(p.Second).all().item<bool>());
    }

    /// <summary>Whether every parameter in the checkpoint is finite.</summary>
    public static bool Finite(string path)
    {
        using var m = Gen.Dsl.Model.Load<FlowModel>(path, Device.Cpu);
        return m.parameters().All(p => p.isfinite().all().item<bool>());
    }

    /// <summary>The mean negative log-likelihood of the moons under the checkpoint's weights.</summary>
    public static double Loss(string path)
    {
        using var m = Gen.Dsl.Model.Load<FlowModel>(path, Device.Cpu);
        using var x = Moons();
        using var noGrad = torch.no_grad();
        return (-m.LogProb(x).mean()).item<float>();
    }
}
