using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Shapes;

// The shape checks read sizes one at a time instead of copying whole shapes; these pin that they decide exactly as
// the comparison of whole shapes would, over every pair of small shapes.
public sealed class ShapeTests
{
    private static readonly long[][] Shapes = AllShapes(maxRank: 3, sizes: new long[] { 1, 2, 3 }).ToArray();

    private static System.Collections.Generic.IEnumerable<long[]> AllShapes(int maxRank, long[] sizes)
    {
        var current = new[] { Array.Empty<long>() }.AsEnumerable();
        for (int rank = 0; rank <= maxRank; rank++)
        {
            foreach (var s in current)
            {
                yield return s;
            }

            current = current.SelectMany(s => sizes.Select(d => s.Append(d).ToArray())).ToArray();
        }
    }

    [Fact]
    public void Same_agrees_with_comparing_whole_shapes()
    {
        foreach (var a in Shapes)
        {
            using var ta = torch.zeros(a);
            foreach (var b in Shapes)
            {
                using var tb = torch.zeros(b);
                Assert.Equal(a.SequenceEqual(b), Shape.Same(ta, tb));
            }
        }
    }

    [Fact]
    public void CheckTrailing_accepts_exactly_the_values_whose_last_dimensions_are_the_event_shape()
    {
        foreach (var value in Shapes)
        {
            using var t = torch.zeros(value);
            foreach (var ev in Shapes)
            {
                bool expected = value.Length >= ev.Length && value.Skip(value.Length - ev.Length).SequenceEqual(ev);
                var error = Record.Exception(() => Shape.CheckTrailing(t, ev, "node.x"));
                if (expected)
                {
                    Assert.Null(error);
                }
                else
                {
                    var shapeError = Assert.IsType<GenShapeException>(error);
                    Assert.Contains("node.x", shapeError.Message);
                    Assert.Contains(Shape.Format(ev), shapeError.Message);
                    Assert.Contains(Shape.Format(value), shapeError.Message);
                }
            }
        }
    }
}
