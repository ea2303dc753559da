using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// A success probability given either as logits or as probabilities, with the stable log-probabilities of success
/// and failure in each form (−softplus for logits, log and log1p for probabilities, so 0 and 1 stay exact).
/// </summary>
internal readonly struct BinaryParameter
{
    private readonly torch.Tensor? logits;
    private readonly torch.Tensor? probs;

    internal BinaryParameter(torch.Tensor? logits, torch.Tensor? probs, string family)
    {
        if ((logits is null) == (probs is null))
        {
            throw new ArgumentException($"{family}: give exactly one of 'logits' and 'probs'.");
        }

        this.logits = logits;
        this.probs = probs;
    }

    /// <summary>The tensor that was given.</summary>
    internal torch.Tensor Given => logits ?? probs!;

    /// <summary>Whether the parameter was given as logits.</summary>
    internal bool IsLogits => logits is not null;

    /// <summary>The success probability.</summary>
    internal torch.Tensor Probs => probs ?? logits!.sigmoid();

    /// <summary>1 − p, as σ(−logits) from logits so that it keeps its precision as p → 1.</summary>
    internal torch.Tensor Probs1m => logits is not null ? logits.neg().sigmoid() : 1 - probs!;

    /// <summary>log(p / (1 - p)).</summary>
    internal torch.Tensor Logits => logits ?? probs!.log() - probs!.neg().log1p();

    /// <summary>log p.</summary>
    internal torch.Tensor LogP => logits is not null ? torch.nn.functional.logsigmoid(logits) : probs!.log();

    /// <summary>log(1 - p).</summary>
    internal torch.Tensor Log1mP => logits is not null ? torch.nn.functional.logsigmoid(logits.neg()) : probs!.neg().log1p();

    /// <summary>k log p + m log(1 - p), with 0 · log 0 = 0.</summary>
    internal torch.Tensor WeightedLog(torch.Tensor k, torch.Tensor m) =>
        logits is not null
            ? k * LogP + m * Log1mP
            : torch.xlogy(k, probs!) + torch.special.xlog1py(m, probs!.neg());

    /// <summary>Validates the parameter (probabilities in [0, 1], logits not NaN).</summary>
    internal void Check(Action<torch.Tensor, string, Func<torch.Tensor, torch.Tensor>, string> check)
    {
        if (logits is not null)
        {
            check(logits, "logits", t => t.isnan().logical_not(), "a number (not NaN)");
        }
        else
        {
            check(probs!, "probs", t => t.ge(0).logical_and(t.le(1)), "in [0, 1]");
        }
    }
}
