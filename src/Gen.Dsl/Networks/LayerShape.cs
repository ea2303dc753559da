using System.Collections.Generic;
using System.Linq;

namespace Gen.Dsl;

/// <summary>One layer of a network node with the shape of one event before and after it.</summary>
/// <param name="Layer">The layer's name in the node path, such as <c>conv[1]</c> or <c>output</c>.</param>
/// <param name="Input">The event shape the layer takes.</param>
/// <param name="Output">The event shape the layer gives.</param>
public readonly record struct LayerShape(string Layer, ValueList<long> Input, ValueList<long> Output)
{
    /// <summary>Creates the entry from arrays.</summary>
    internal LayerShape(string layer, IEnumerable<long> input, IEnumerable<long> output)
        : this(layer, new ValueList<long>(input), new ValueList<long>(output))
    {
    }

    /// <summary>The layer as <c>conv[0]: [1, 28, 28] -> [32, 14, 14]</c>.</summary>
    public override string ToString() => $"{Layer}: {Format(Input)} -> {Format(Output)}";

    /// <summary>A shape as <c>[1, 28, 28]</c>.</summary>
    internal static string Format(IEnumerable<long> shape) => Shape.Format(shape.ToArray());

    /// <summary>A tensor of this event shape flattened: [C·H·W].</summary>
    internal static long[] Flat(IEnumerable<long> shape) => new[] { shape.Aggregate(1L, (a, b) => a * b) };
}
