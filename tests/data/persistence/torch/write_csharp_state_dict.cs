#:project ../../../../src/MlNetLstm/MlNetLstm.csproj
// Writes csharp_lstm_state_dict.pt / csharp_gru_state_dict.pt with the C# TorchStateDict writer, from the torch.save files
// lstm_state_dict.pt / gru_state_dict.pt beside it. Run only when the writer's bytes change on purpose, then verify the new
// files with torch (generate_state_dict.py --verify) and commit both; TorchStateDictTests compares the writer with them.
//
//   dotnet run tests/data/persistence/torch/write_csharp_state_dict.cs      (from the repository root)
using System.Text.Json;
using MlNetLstm.Models;
using MlNetLstm.Persistence;

string dir = Path.Combine("tests", "data", "persistence", "torch");
if (!Directory.Exists(dir)) { Console.Error.WriteLine("Run from the repository root."); return 2; }
using JsonDocument expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
foreach (string name in new[] { "lstm", "gru" })
{
    JsonElement e = expected.RootElement.GetProperty(name);
    var spec = new RecurrentNetworkSpec
    {
        Cell = name == "lstm" ? CellType.Lstm : CellType.Gru,
        InputSize = e.GetProperty("input_size").GetInt32(),
        HiddenSize = e.GetProperty("hidden_size").GetInt32(),
        Layers = e.GetProperty("num_layers").GetInt32(),
        Bidirectional = e.GetProperty("bidirectional").GetBoolean(),
    };
    RecurrentNetwork net = TorchStateDict.LoadNetwork(Path.Combine(dir, name + "_state_dict.pt"), spec);
    string target = Path.Combine(dir, $"csharp_{name}_state_dict.pt");
    TorchStateDict.Write(target, TorchStateDict.FromNetwork(net), name + "_state_dict");
    Console.WriteLine($"wrote {target}");
}
return 0;
