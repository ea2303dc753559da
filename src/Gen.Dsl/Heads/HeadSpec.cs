using System;
using System.Globalization;
using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A head: how a network's outputs become a distribution over each element of the data (a feature, a pixel's colour
/// channel). It is the one mechanism behind a VAE's likelihood p(x|z), an autoregressive pixel model's conditionals and
/// a conditional base distribution: the network gives <see cref="ParametersPerElement"/> numbers per element, and
/// <see cref="Distribution"/> turns them into a Gen.Probability distribution, whose density is the only one written.
/// Built with <see cref="Head"/> (or its aliases <see cref="Likelihood"/> and <see cref="PixelHead"/>); derive from it
/// for a head of your own.
/// </summary>
public abstract record HeadSpec
{
    /// <summary>Numbers the network gives per element (1 for Bernoulli logits, 2 for a Gaussian's mean and scale).</summary>
    public abstract int ParametersPerElement { get; }

    /// <summary>The values an element takes, for error messages, such as <c>{0, 1}</c>.</summary>
    public abstract string SupportText { get; }

    /// <summary>
    /// The distribution of each element from its parameters: <paramref name="parameters"/> has shape S ++ [P] for
    /// P = <see cref="ParametersPerElement"/>, and the result has batch shape S and event shape [] (wrap it in
    /// <see cref="Gen.Probability.Distributions.Independent"/> for a joint over events).
    /// </summary>
    /// <param name="parameters">The network's numbers, the parameters of each element along the last dimension.</param>
    public abstract IDistribution Distribution(torch.Tensor parameters);

    /// <summary>Whether each value lies in the support (elementwise, a bool tensor of the same shape; false for NaN).</summary>
    /// <param name="x">Values.</param>
    public abstract torch.Tensor Contains(torch.Tensor x);

    /// <summary>
    /// The values as an autoregressive model feeds them back into its network (the default leaves them as they are;
    /// heads over binary or integer pixels map them onto [−1, 1]). A VAE's encoder sees the data as given.
    /// </summary>
    /// <param name="x">Values in the support.</param>
    public virtual torch.Tensor NetworkInput(torch.Tensor x) => x;

    /// <summary>A sentence added to the error for data outside the support, saying how to fix it; null for none.</summary>
    protected virtual string? DataHint => null;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> unless the record's numbers are ones its factory accepts:
    /// records can be built or copied with any values, and a spec checks them again before it compiles.
    /// </summary>
    public virtual void Check()
    {
    }

    /// <summary>
    /// The joint distribution over events of rank <paramref name="eventRank"/> from parameters laid out one after another
    /// along the first event dimension, B ++ [P·E₀] ++ E₁… (a decoder's output: all the first parameters, then all the
    /// second ones): batch shape B, event shape E.
    /// </summary>
    /// <param name="parameters">The network's output.</param>
    /// <param name="eventRank">The rank of one event (1 for vectors, 3 for images [C, H, W]).</param>
    /// <exception cref="GenShapeException">The first event dimension is not a multiple of <see cref="ParametersPerElement"/>.</exception>
    public IDistribution Joint(torch.Tensor parameters, int eventRank)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (eventRank < 1 || parameters.dim() < eventRank || parameters.shape[^eventRank] % ParametersPerElement != 0)
        {
            throw new GenShapeException("head", $"{this} takes {ParametersPerElement} parameter(s) per element one after another along the first event dimension, got a tensor of shape {Shape.Format(parameters.shape)} for events of rank {eventRank}.");
        }

        int dim = (int)parameters.dim() - eventRank;
        var split = parameters.unflatten(dim, new long[] { ParametersPerElement, parameters.shape[dim] / ParametersPerElement });
        return new Gen.Probability.Distributions.Independent(Distribution(split.movedim(new long[] { dim }, new long[] { -1 })), eventRank);
    }

    /// <summary>
    /// Checks that every value of <paramref name="x"/> lies in the support (one read-back from the device), unless
    /// <see cref="Gen.Probability.Distribution.Validate"/> is off.
    /// </summary>
    /// <param name="x">The data.</param>
    /// <param name="node">The model node named in the error.</param>
    /// <exception cref="ArgumentException">A value lies outside the support; the message names the node, the head and the first such value.</exception>
    public void CheckData(torch.Tensor x, string node)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (Gen.Probability.Distribution.Validate)
        {
            CheckValues(x, node);
        }
    }

    /// <summary>The check of <see cref="CheckData"/> whatever the validation switch says (a model with a switch of its own calls it).</summary>
    internal void CheckValues(torch.Tensor x, string node)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var inside = Contains(x);
        if (!inside.all().item<bool>())
        {
            var bad = x.masked_select(inside.logical_not())[0].to(torch.float64).item<double>();
            throw new ArgumentException(
                $"{node}: the {this} head needs values in {SupportText}, got {bad.ToString(CultureInfo.InvariantCulture)}." + (DataHint is { } hint ? " " + hint : string.Empty),
                nameof(x));
        }
    }

    /// <summary>The parameters of <see cref="Distribution"/> after a check of their last dimension.</summary>
    /// <exception cref="GenShapeException">The last dimension is not <see cref="ParametersPerElement"/>.</exception>
    protected torch.Tensor Checked(torch.Tensor parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.dim() < 1 || parameters.shape[^1] != ParametersPerElement)
        {
            throw new GenShapeException("head", $"{this} takes {ParametersPerElement} parameter(s) per element along the last dimension, got a tensor of shape {Shape.Format(parameters.shape)}.");
        }

        return parameters;
    }
}
