using System;
using System.Collections.Generic;
using TorchSharp;

namespace Gen.Bench;

/// <summary>The losses of Gen and the baseline before and after one training step, which must agree: same math, same weights.</summary>
/// <param name="GenFirst">Gen's loss on the batch before training.</param>
/// <param name="HandFirst">The baseline's, or null.</param>
/// <param name="GenAfterStep">Gen's loss after one training step (so the zero-initialised output layers have moved too).</param>
/// <param name="HandAfterStep">The baseline's, or null.</param>
internal sealed record LossCheck(double GenFirst, double? HandFirst, double GenAfterStep, double? HandAfterStep)
{
    // float32 sums over hundreds of features, and Adam's first step normalises gradients elementwise: agreement to
    // a few parts in 10⁵ is what identical math gives; a real difference in the math moves the loss far more.
    private const double Tolerance = 1e-4;

    /// <summary>True where there is no baseline, or both pairs agree to a relative 10⁻⁴.</summary>
    public bool Agree => HandFirst is not { } h0 || HandAfterStep is not { } h1 || (Close(GenFirst, h0) && Close(GenAfterStep, h1));

    /// <summary>"first loss gen 543.49 hand 543.49; after one step gen … hand …".</summary>
    public string Format() => HandFirst is null
        ? $"first loss {GenFirst:G7}, after one step {GenAfterStep:G7}"
        : $"first loss gen {GenFirst:G7} hand {HandFirst:G7}; after one step gen {GenAfterStep:G7} hand {HandAfterStep:G7}{(Agree ? "" : "  MISMATCH")}";

    private static bool Close(double a, double b) => Math.Abs(a - b) <= Tolerance * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
}

/// <summary>What one case measured: the loss check, training-step times and, where asked, log-likelihood times.</summary>
/// <param name="Case">The case.</param>
/// <param name="Losses">Gen's and the baseline's losses before and after a step.</param>
/// <param name="Train">Training-step times.</param>
/// <param name="LogProb">Log-likelihood times (forward only, no gradient), or null where not measured.</param>
internal sealed record CaseResult(SpeedCase Case, LossCheck Losses, Comparison Train, Comparison? LogProb)
{
    /// <summary>Builds both models, checks their losses, and times them.</summary>
    public static CaseResult Measure(SpeedCase c, torch.Device device, TimingSettings s)
    {
        using var gen = c.Gen(device, 1);
        using var hand = c.HandWritten?.Invoke(device, 1);
        double g0 = gen.LossValue();
        double? h0 = hand?.LossValue();
        gen.Run();
        hand?.Run();
        var losses = new LossCheck(g0, h0, gen.LossValue(), hand?.LossValue());
        var train = Comparison.Measure(gen.Run, hand is null ? null : hand.Run, device, s.Warmup, s.WarmupSeconds, s.Rounds, s.StepsPerRound, s.RoundSeconds);
        var logProb = s.LogProb
            ? Comparison.Measure(gen.LogProb, hand is null ? null : hand.LogProb, device, s.Warmup, s.WarmupSeconds, s.Rounds, s.StepsPerRound, s.RoundSeconds)
            : null;
        return new CaseResult(c, losses, train, logProb);
    }

    /// <summary>Achieved rates as fractions of <paramref name="matmulFlopsPerSecond"/> (null where the case has no count).</summary>
    public FlopFractions? Fractions(double? matmulFlopsPerSecond)
    {
        if (Case.Flops is not { } f || matmulFlopsPerSecond is not { } rate)
        {
            return null;
        }

        double? Of(double flops, double? seconds) => seconds is { } t ? flops / t / rate : null;
        return new FlopFractions(Of(f.TrainStep, Train.GenMedian)!.Value, Of(f.TrainStep, Train.HandMedian), Of(f.Forward, LogProb?.GenMedian), Of(f.Forward, LogProb?.HandMedian));
    }

    /// <summary>The result as a JSON object (field names as the GPU report reads them for the training step).</summary>
    public Dictionary<string, object?> ToJson(torch.Device device, double? matmulFlopsPerSecond)
    {
        var row = new Dictionary<string, object?>
        {
            ["name"] = Case.Name,
            ["description"] = Case.Description,
            ["batch"] = Case.Batch,
            ["device"] = device.ToString(),
            ["gen_loss_first"] = Losses.GenFirst,
            ["gen_loss_after_step"] = Losses.GenAfterStep,
        };
        if (Losses.HandFirst is not null)
        {
            row["hand_loss_first"] = Losses.HandFirst;
            row["hand_loss_after_step"] = Losses.HandAfterStep;
            row["losses_agree"] = Losses.Agree;
        }

        row["rounds"] = Train.Gen.Length;
        row["train_steps_per_round"] = Train.StepsPerRound;
        Train.AddTo(row, "gen_step", "hand_step", "ratio_");
        if (LogProb is not null)
        {
            row["logprob_steps_per_round"] = LogProb.StepsPerRound;
            LogProb.AddTo(row, "gen_logprob", "hand_logprob", "logprob_ratio_");
        }

        if (Case.Flops is { } f)
        {
            row["flops_train_step"] = f.TrainStep;
            row["flops_logprob"] = f.Forward;
            if (Fractions(matmulFlopsPerSecond) is { } fr)
            {
                row["flop_fraction"] = fr.Train;
                row["hand_flop_fraction"] = fr.HandTrain;
                row["logprob_flop_fraction"] = fr.LogProb;
                row["hand_logprob_flop_fraction"] = fr.HandLogProb;
            }
        }

        return row;
    }
}
