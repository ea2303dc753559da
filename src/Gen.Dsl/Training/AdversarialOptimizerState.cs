using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Gen.Optimization;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// What the trainer's loop sees as the optimizer of an adversarial run: steps and learning rate are the model
/// optimizer's (the critic steps inside each round), while the state that checkpoints keep, resumes load and failed
/// steps put back is both players': the model optimizer's, the critic optimizer's, and the count of critic updates
/// that fixes the phase of lazy penalties (<see cref="CriticPenalty.Every"/>). Without it a resumed GAN restarted the
/// critic's Adam moments and its lazy penalties' phase.
/// </summary>
internal sealed class AdversarialOptimizerState : IStepOptimizer
{
    private readonly IStepOptimizer model;
    private readonly Adversary adversary;

    public AdversarialOptimizerState(IStepOptimizer model, Adversary adversary)
    {
        this.model = model;
        this.adversary = adversary;
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => model.LearningRate;
        set => model.LearningRate = value;
    }

    /// <summary>Both optimizers' formats; null (no state kept) when the model optimizer cannot save its own.</summary>
    public string? StateFormat => model.StateFormat is string own ? $"adversarial({own}, {adversary.CriticOptimizer.StateFormat})" : null;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> TrainedParameters => model.TrainedParameters.Concat(adversary.CriticOptimizer.TrainedParameters).ToArray();

    /// <inheritdoc/>
    public void ZeroGrad() => model.ZeroGrad();

    /// <inheritdoc/>
    public void Step() => model.Step();

    /// <inheritdoc/>
    public IOptimizerSnapshot? Snapshot() => model.Snapshot() is { } own ? new Both(own, adversary.CriticOptimizer.Snapshot(), adversary) : null;

    /// <summary>The model optimizer's state with its length, the critic optimizer's with its length, then the critic updates.</summary>
    public void SaveState(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        WritePart(writer, model.SaveState);
        WritePart(writer, adversary.CriticOptimizer.SaveState);
        writer.Write(adversary.CriticUpdates);
    }

    /// <inheritdoc/>
    public void LoadState(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var own = ReadPart(reader, "the model optimizer's");
        var critic = ReadPart(reader, "the critic optimizer's");
        long updates = reader.ReadInt64();
        if (updates < 0 || stream.Position != stream.Length)
        {
            throw new InvalidDataException($"an adversarial optimizer state ends with {updates} critic updates and {stream.Length - stream.Position} bytes more; it is damaged.");
        }

        // The critic first: should the model's state be refused, the critic's is put back.
        using var before = adversary.CriticOptimizer.Snapshot();
        adversary.CriticOptimizer.LoadState(new MemoryStream(critic));
        try
        {
            model.LoadState(new MemoryStream(own));
        }
        catch
        {
            before.Restore();
            throw;
        }

        adversary.CriticUpdates = updates;
    }

    /// <summary>Nothing to release: both optimizers belong to the trainer.</summary>
    public void Dispose()
    {
    }

    private static void WritePart(BinaryWriter writer, Action<Stream> save)
    {
        using var part = new MemoryStream();
        save(part);
        writer.Write(part.Length);
        writer.Write(part.GetBuffer(), 0, (int)part.Length);
    }

    private static byte[] ReadPart(BinaryReader reader, string what)
    {
        long length = reader.ReadInt64();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"{what} state claims {length} bytes, more than the {reader.BaseStream.Length - reader.BaseStream.Position} left; it is damaged.");
        }

        return reader.ReadBytes((int)length);
    }

    private sealed class Both : IOptimizerSnapshot
    {
        private readonly IOptimizerSnapshot model;
        private readonly IOptimizerSnapshot critic;
        private readonly Adversary adversary;
        private readonly long updates;

        public Both(IOptimizerSnapshot model, IOptimizerSnapshot critic, Adversary adversary)
        {
            this.model = model;
            this.critic = critic;
            this.adversary = adversary;
            updates = adversary.CriticUpdates;
        }

        public void Restore()
        {
            model.Restore();
            critic.Restore();
            adversary.CriticUpdates = updates;
        }

        public void Dispose()
        {
            model.Dispose();
            critic.Dispose();
        }
    }
}
