using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// A family of monotonic maps of one variable, indexed by <see cref="ParameterCount"/> unconstrained numbers per
/// element: the "transformer" of coupling and autoregressive layers, whose conditioner computes those numbers. A
/// coupling (<see cref="Coupling"/>) and an autoregressive layer (<see cref="AutoregressiveLayer"/>) take any map, so a
/// new map (affine, rational-quadratic spline, a user's own) works in both without another layer type.
/// </summary>
/// <remarks>
/// A map is a value: two maps with the same settings are equal, which is what specs compare. Implementations must
/// make all-zero parameters the identity, so that a conditioner whose last layer starts at zero starts the layer as
/// the identity, and must keep every map in the family strictly increasing, so that its inverse exists.
/// </remarks>
public abstract record UnivariateMap
{
    /// <summary>P: the unconstrained parameters each element's map takes.</summary>
    public abstract int ParameterCount { get; }

    /// <summary>
    /// The elementwise bijector (event rank 0) whose element at index i is the map with parameters
    /// <paramref name="parameters"/>[i, :]: for parameters of shape S ++ [P] it acts on values of shape S, and its
    /// log-determinants have shape S.
    /// </summary>
    /// <param name="parameters">Unconstrained parameters, shape S ++ [<see cref="ParameterCount"/>].</param>
    /// <exception cref="GenShapeException">The trailing dimension is not <see cref="ParameterCount"/>.</exception>
    public abstract IBijector Bind(torch.Tensor parameters);

    /// <summary>
    /// Checks the map's own settings (a bin count, a bound), throwing <see cref="GenShapeException"/> naming
    /// <paramref name="path"/>; a map without settings accepts everything, which is what this default does.
    /// </summary>
    /// <param name="path">Where the map sits in a spec, such as <c>flow.steps[2].map</c>.</param>
    public virtual void Check(string path)
    {
    }

    /// <summary>Throws unless <paramref name="parameters"/> ends in <see cref="ParameterCount"/> entries.</summary>
    /// <param name="parameters">The tensor given to <see cref="Bind"/>.</param>
    /// <param name="node">The map's name in the message.</param>
    protected void CheckParameters(torch.Tensor parameters, string node)
    {
        System.ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.dim() < 1 || parameters.shape[^1] != ParameterCount)
        {
            throw new GenShapeException(node, $"expects {ParameterCount} parameters per element in a trailing dimension, got a tensor of shape {Shape.Format(parameters.shape)}.");
        }
    }
}
