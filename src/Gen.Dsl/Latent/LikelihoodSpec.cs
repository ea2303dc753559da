using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The distribution p(x|z) a decoder network parameterises: independent across features (or pixels), so log p(x|z) is
/// a sum over them. Built with <see cref="Likelihood"/>.
/// </summary>
public abstract record LikelihoodSpec
{
    /// <summary>Numbers the decoder outputs per feature (1 for Bernoulli logits, 2 for a Gaussian's mean and scale).</summary>
    public abstract int ParametersPerFeature { get; }

    /// <summary>
    /// The likelihood over events of rank <paramref name="eventRank"/> ([features] or [C, H, W]) from decoder outputs
    /// whose first event dimension holds the parameters one after another ([..., P·features] or [..., P·C, H, W] for
    /// P = <see cref="ParametersPerFeature"/>).
    /// </summary>
    internal abstract IDistribution Build(torch.Tensor decoded, int eventRank);

    /// <summary>Checks that <paramref name="x"/> lies in the likelihood's support; throws <see cref="System.ArgumentException"/> naming <paramref name="node"/>.</summary>
    internal abstract void CheckData(torch.Tensor x, string node);

    /// <summary>
    /// Throws unless the record's numbers are ones its factory (<see cref="Likelihood"/>) accepts: records can be
    /// built or copied with any values, and a VAE spec checks again, so that what compiles can be saved and read back.
    /// </summary>
    internal virtual void Check()
    {
    }
}
