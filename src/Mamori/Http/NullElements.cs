using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Mamori.Http;

/// <summary>
/// Refuses <c>null</c> inside a list of ids in a request body (<c>"consents": [null]</c>): 400 MAMORI-1003 naming the element.
/// <c>RespectNullableAnnotations</c> checks properties but not the elements of a collection, so such a null reached the
/// feature classes, which take every element as an id, and answered 500 (an integrator's walkthrough found six endpoints).
/// No request body of Mamori takes a list whose elements may be null.
/// </summary>
public static class NullElements
{
    public static void Refuse(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        var lists = type.Properties
            .Where(p => p.PropertyType != typeof(string) && typeof(IEnumerable<string>).IsAssignableFrom(p.PropertyType) && p.Get is not null)
            .ToArray();
        if (lists.Length == 0) return;
        var earlier = type.OnDeserialized;
        type.OnDeserialized = body =>
        {
            foreach (var list in lists)
            {
                if (list.Get!(body) is not IEnumerable<string?> items) continue;
                var i = 0;
                foreach (var item in items)
                {
                    // "allow null" is how System.Text.Json words the same refusal for a property: the handler maps both to 1003.
                    if (item is null) throw new JsonException("The list element does not allow null.", $"$.{list.Name}[{i}]", null, null);
                    i++;
                }
            }
            earlier?.Invoke(body);
        };
    }
}
