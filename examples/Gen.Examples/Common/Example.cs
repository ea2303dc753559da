using System;
using System.Collections.Generic;

namespace Gen.Examples;

/// <summary>One example: a sub-command with its own options on top of the common ones.</summary>
/// <param name="Name">The sub-command.</param>
/// <param name="Summary">One line for the command list.</param>
/// <param name="DefaultEpochs">The number of epochs when --epochs is not given.</param>
/// <param name="Options">The example's own options.</param>
/// <param name="Run">Runs the example; returns the exit code.</param>
public sealed record Example(string Name, string Summary, int DefaultEpochs, IReadOnlyList<OptionSpec> Options, Func<ExampleRun, int> Run);
