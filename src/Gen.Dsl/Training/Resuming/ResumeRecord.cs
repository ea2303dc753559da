using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>
/// What a resumable run keeps besides weights after an epoch (<c>run.json</c> in its folder): where it stands, its
/// history and its random generators' states, so that the resumed run goes on as the uninterrupted one would.
/// </summary>
/// <param name="Epoch">The epochs done.</param>
/// <param name="Step">The optimizer steps done.</param>
/// <param name="ElapsedSeconds">Wall time spent training, over every session of the run.</param>
/// <param name="TrainLosses">Each epoch's mean training loss.</param>
/// <param name="ValidationLosses">Each epoch's validation loss (empty without validation data).</param>
/// <param name="BestValidation">The best validation loss so far (infinity without validation data).</param>
/// <param name="BestEpoch">The epoch of the best validation loss.</param>
/// <param name="HasBestWeights">Whether the folder holds the best epoch's weights apart (<c>best.ckpt</c>; otherwise they are the state's own, or were not kept).</param>
/// <param name="Generators">The states of the minibatch order's generator, then the global generator, then the trainer's <see cref="Trainer.Generators"/>.</param>
internal sealed record ResumeRecord(
    int Epoch, long Step, double ElapsedSeconds, double[] TrainLosses, double[] ValidationLosses, double BestValidation, int BestEpoch, bool HasBestWeights, byte[][] Generators)
{
    private const int FormatVersion = 1;

    /// <summary>The record as JSON.</summary>
    public string ToJson()
    {
        var document = new JsonObject
        {
            ["version"] = FormatVersion,
            ["epoch"] = Epoch,
            ["step"] = Step,
            ["elapsed_seconds"] = ElapsedSeconds,
            ["train_losses"] = new JsonArray(TrainLosses.Select(v => (JsonNode?)v).ToArray()),
            ["validation_losses"] = new JsonArray(ValidationLosses.Select(v => (JsonNode?)v).ToArray()),
            // JSON has no infinity: a run without validation data has no best validation loss.
            ["best_validation"] = double.IsFinite(BestValidation) ? BestValidation : null,
            ["best_epoch"] = BestEpoch,
            ["has_best_weights"] = HasBestWeights,
            ["generators"] = new JsonArray(Generators.Select(g => (JsonNode?)Convert.ToBase64String(g)).ToArray()),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a record written by <see cref="ToJson"/>, every field checked.</summary>
    /// <exception cref="GenCheckpointException">The text is not such a record; the message names <paramref name="path"/> and the field.</exception>
    public static ResumeRecord Parse(string json, string path)
    {
        GenCheckpointException Bad(string what) =>
            new(CheckpointError.Corrupted, $"the run's record is not valid: {what}. Delete the folder to start the run afresh.", path);

        JsonObject document;
        try
        {
            document = JsonNode.Parse(json) as JsonObject ?? throw Bad("it is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Bad($"it is not JSON ({e.Message})");
        }

        T Field<T>(string name)
        {
            try
            {
                return document[name] is JsonNode node ? node.GetValue<T>() : throw Bad($"'{name}' is missing");
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw Bad($"'{name}' is not a {typeof(T).Name}");
            }
        }

        T[] Array<T>(string name) => document[name] is JsonArray array
            ? array.Select((node, i) => node is null ? throw Bad($"{name}[{i}] is null") : Element<T>(node, name, i)).ToArray()
            : throw Bad($"'{name}' is missing or not an array");

        T Element<T>(JsonNode node, string name, int i)
        {
            try
            {
                return node.GetValue<T>();
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw Bad($"{name}[{i}] is not a {typeof(T).Name}");
            }
        }

        int version = Field<int>("version");
        if (version != FormatVersion)
        {
            throw new GenCheckpointException(CheckpointError.NewerVersion, string.Create(CultureInfo.InvariantCulture, $"the run's record is in format version {version}; this version of Gen reads version {FormatVersion}."), path);
        }

        byte[][] generators;
        try
        {
            generators = Array<string>("generators").Select(Convert.FromBase64String).ToArray();
        }
        catch (FormatException)
        {
            throw Bad("a generator state is not base64");
        }

        var record = new ResumeRecord(
            Field<int>("epoch"), Field<long>("step"), Field<double>("elapsed_seconds"), Array<double>("train_losses"), Array<double>("validation_losses"),
            document["best_validation"] is null ? double.PositiveInfinity : Field<double>("best_validation"), Field<int>("best_epoch"), Field<bool>("has_best_weights"), generators);
        if (record.Epoch < 1 || record.Step < 1 || record.TrainLosses.Length != record.Epoch || record.ValidationLosses.Length is var v && v != 0 && v != record.Epoch
            || record.BestEpoch < 0 || record.BestEpoch > record.Epoch || !(record.ElapsedSeconds >= 0))
        {
            throw Bad(string.Create(CultureInfo.InvariantCulture, $"epoch {record.Epoch}, step {record.Step}, {record.TrainLosses.Length} training and {record.ValidationLosses.Length} validation losses, best epoch {record.BestEpoch} do not fit together"));
        }

        return record;
    }
}
