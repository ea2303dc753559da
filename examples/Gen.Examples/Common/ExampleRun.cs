using System;
using Gen.Dsl;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Gen.Data;
using Gen.Plots;
using TorchSharp;

namespace Gen.Examples;

/// <summary>
/// A parsed command line and what every example shares: where to write, the device, the seed, the number of
/// epochs, the data directory, and the output (the console, or a writer a test passes).
/// </summary>
public sealed class ExampleRun
{
    /// <summary>The options every example takes.</summary>
    public static IReadOnlyList<OptionSpec> Common { get; } = new[]
    {
        new OptionSpec("epochs", "N", null, "passes over the training data (default: the example's, above)"),
        new OptionSpec("device", "cpu|cuda|cuda:N", "cpu", "where the model trains"),
        new OptionSpec("data-dir", "DIR", null, "data directory for the full data sets (default: GEN_DATA_DIR, else ~/.cache/gen/data)"),
        new OptionSpec("out", "DIR", null, "where pictures are written (default: out/<example>)"),
        new OptionSpec("seed", "N", "0", "seed for weights, data order and samples"),
        new OptionSpec("tensorboard", "DIR", null, "write the run's losses, learning rate, gradient norms and histograms there for TensorBoard"),
    };

    private readonly Dictionary<string, string> values;

    private ExampleRun(Example example, Dictionary<string, string> values, TextWriter output)
    {
        Example = example;
        this.values = values;
        Output = output;
        Epochs = Int("epochs", example.DefaultEpochs, minimum: 1);
        Seed = Int("seed", 0, minimum: 0);
        Device = Gen.Device.Parse(Text("device", "cpu"));
        OutputDirectory = Text("out", Path.Combine("out", example.Name));
        DataDirectory = values.GetValueOrDefault("data-dir");
    }

    /// <summary>The example being run.</summary>
    public Example Example { get; }

    /// <summary>Where progress and results are printed.</summary>
    public TextWriter Output { get; }

    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>Where the model trains.</summary>
    public torch.Device Device { get; }

    /// <summary>Where pictures go.</summary>
    public string OutputDirectory { get; }

    /// <summary>The data directory given with --data-dir, or null.</summary>
    public string? DataDirectory { get; }

    /// <summary>Whether the output is a terminal that can redraw a progress bar in place.</summary>
    public bool Interactive => ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>
    /// Parses <paramref name="args"/> (the words after the sub-command). Returns null after printing help
    /// (<c>--help</c>) or an error; <paramref name="exitCode"/> says which.
    /// </summary>
    internal static ExampleRun? Parse(Example example, string[] args, TextWriter output, out int exitCode)
    {
        var known = Common.Concat(example.Options).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                var word = args[i];
                if (word is "-h" or "--help" or "help")
                {
                    PrintHelp(example, output);
                    exitCode = 0;
                    return null;
                }

                if (!word.StartsWith("--", StringComparison.Ordinal))
                {
                    throw new OptionException($"unexpected '{word}': options are written --name value.");
                }

                var eq = word.IndexOf('=');
                var name = eq > 0 ? word[2..eq] : word[2..];
                if (!known.Contains(name))
                {
                    throw new OptionException($"unknown option --{name}.");
                }

                string value;
                if (eq > 0)
                {
                    value = word[(eq + 1)..];
                }
                else if (i + 1 < args.Length)
                {
                    value = args[++i];
                }
                else
                {
                    throw new OptionException($"--{name} needs a value.");
                }

                values[name] = value;
            }

            exitCode = 0;
            return new ExampleRun(example, values, output);
        }
        catch (Exception e) when (e is OptionException or GenDeviceException)
        {
            output.WriteLine($"{example.Name}: {e.Message}");
            output.WriteLine($"Run 'Gen.Examples {example.Name} --help' for the options.");
            exitCode = 2;
            return null;
        }
    }

    /// <summary>Prints the example's options and the common ones.</summary>
    internal static void PrintHelp(Example example, TextWriter output)
    {
        output.WriteLine($"usage: Gen.Examples {example.Name} [options]\n");
        output.WriteLine(example.Summary);
        output.WriteLine($"Default: {example.DefaultEpochs} epochs.\n");
        output.WriteLine("options:");
        foreach (var o in example.Options.Concat(Common))
        {
            var left = $"--{o.Name} {o.Value}";
            var fallback = o.Default is null ? string.Empty : $" (default: {o.Default})";
            output.WriteLine($"  {left,-28} {o.Description}{fallback}");
        }

        output.WriteLine($"  {"--help",-28} this text");
    }

    /// <summary>The value of an example option, or its default.</summary>
    public string Text(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;

    /// <summary>Whether the option was given on the command line.</summary>
    public bool Has(string name) => values.ContainsKey(name);

    /// <summary>An integer option, or its default.</summary>
    /// <exception cref="OptionException">The value is not an integer of at least <paramref name="minimum"/>.</exception>
    public int Int(string name, int fallback, int minimum = 1)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum)
        {
            throw new OptionException($"--{name} takes a whole number of at least {minimum}, got '{text}'.");
        }

        return value;
    }

    /// <summary>A choice among <paramref name="choices"/>, or the first of them.</summary>
    /// <exception cref="OptionException">The value is not one of the choices.</exception>
    public string Choice(string name, params string[] choices)
    {
        var value = Text(name, choices[0]).ToLowerInvariant();
        if (!choices.Contains(value))
        {
            throw new OptionException($"--{name} takes {string.Join(", ", choices)}; got '{value}'.");
        }

        return value;
    }

    /// <summary>Where data sets are read from: --data-dir, else <c>GEN_DATA_DIR</c>, else the user cache.</summary>
    public DataSource DataSource => DataSource.Default.WithDirectory(DataDirectory);

    /// <summary>Whether full data sets were pointed to: --data-dir, or <c>GEN_DATA_DIR</c> set.</summary>
    public bool FullDataAvailable => DataDirectory is not null || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Gen.Data.DataDirectory.EnvironmentVariable));

    /// <summary>Writes a picture under the output directory and says where.</summary>
    public string Save(Picture picture, string fileName)
    {
        var path = picture.Save(Path.Combine(OutputDirectory, fileName));
        Output.WriteLine($"wrote {path} ({picture.Width}×{picture.Height})");
        return path;
    }

    /// <summary>Prints a line.</summary>
    public void Say(string line) => Output.WriteLine(line);

    /// <summary>A TensorBoard log in the --tensorboard folder, or null when the option was not given.</summary>
    public TensorBoardLog? OpenTensorBoard()
    {
        if (!values.TryGetValue("tensorboard", out var directory))
        {
            return null;
        }

        var log = new TensorBoardLog(directory);
        Output.WriteLine($"logging to {log.FilePath} (tensorboard --logdir {directory})");
        return log;
    }
}
