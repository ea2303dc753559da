using System;
using System.Collections.Generic;
using System.Linq;

namespace Gen.Plots;

/// <summary>
/// A labelled curve of (step, value) points that a training loop extends as it goes (<see cref="Add"/>), drawn by
/// <see cref="TrainingCurves.Render"/>.
/// </summary>
public sealed class Series
{
    private readonly List<SeriesPoint> points = new();

    /// <summary>An empty series.</summary>
    /// <param name="label">The legend text, for example "train" or "test bits/dim".</param>
    /// <param name="colour">The line colour; null takes palette colour k for the k-th series drawn.</param>
    public Series(string label, Rgb? colour = null)
    {
        ArgumentNullException.ThrowIfNull(label);
        Label = label;
        Colour = colour;
    }

    /// <summary>The legend text.</summary>
    public string Label { get; }

    /// <summary>The line colour, or null for the palette's.</summary>
    public Rgb? Colour { get; }

    /// <summary>The points so far, in the order added.</summary>
    public IReadOnlyList<SeriesPoint> Points => points;

    /// <summary>A series of the given steps and values (equally many).</summary>
    /// <param name="label">The legend text.</param>
    /// <param name="steps">The steps.</param>
    /// <param name="values">The values.</param>
    /// <exception cref="ArgumentException">The counts differ.</exception>
    public static Series Of(string label, IEnumerable<double> steps, IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(values);
        var s = steps.ToArray();
        var v = values.ToArray();
        if (s.Length != v.Length)
        {
            throw new ArgumentException($"series \"{label}\": {s.Length} steps but {v.Length} values.", nameof(values));
        }

        var series = new Series(label);
        for (int i = 0; i < s.Length; i++)
        {
            series.Add(s[i], v[i]);
        }

        return series;
    }

    /// <summary>Appends a point. Points with a value that is not finite (a diverged loss) are kept but not drawn.</summary>
    /// <param name="step">The step.</param>
    /// <param name="value">The value.</param>
    public void Add(double step, double value) => points.Add(new SeriesPoint(step, value));
}
