/**
 * Resource properties in the wire format of `google.protobuf.Struct`, written straight from the
 * values, and the Analyzer messages that carry them put together from such pieces.
 *
 * `Struct.fromJavaScript(value).serializeBinary()` builds a message object for every value first
 * (a `Value`, and a `Struct` or `ListValue` per nested object) and then writes them. For 5,000
 * resources that tree was most of the runner's work before the first request went out and, kept
 * alive until the stack request was written, most of its garbage collection (`npm run
 * bench:policy`). Here google-protobuf's own `BinaryWriter` writes each value as it is visited,
 * exactly as the generated `serializeBinaryToWriter` functions of `struct_pb.js` would: a map's
 * entries in sorted key order (`jspb.Map.serializeBinary`), each present oneof member written even
 * when it is zero or empty, and anything that is not JSON refused as `Value.fromJavaScript`
 * refuses it.
 */
import { BinaryWriter } from "google-protobuf";

// Field numbers of google/protobuf/struct.proto.
const STRUCT_FIELDS = 1;
const MAP_KEY = 1;
const MAP_VALUE = 2;
const VALUE_NULL = 1;
const VALUE_NUMBER = 2;
const VALUE_STRING = 3;
const VALUE_BOOL = 4;
const VALUE_STRUCT = 5;
const VALUE_LIST = 6;
const LIST_VALUES = 1;
const NULL_VALUE = 0;
/**
 * The `Value` of null: `BinaryWriter.writeMessage` writes nothing for a null value, so that
 * message is written as its bytes.
 */
const NULL_VALUE_MESSAGE = (() => {
    const writer = new BinaryWriter();
    writer.writeEnum(VALUE_NULL, NULL_VALUE);
    return writer.getResultBuffer();
})();

/** The bytes of `Struct.fromJavaScript(properties).serializeBinary()`. */
export function structBytes(properties: Record<string, unknown>): Uint8Array {
    const writer = new BinaryWriter();
    writeStruct(properties, writer);
    return writer.getResultBuffer();
}

function writeStruct(object: Record<string, unknown>, writer: BinaryWriter): void {
    for (const key of Object.keys(object).sort()) {
        writer.writeMessage(STRUCT_FIELDS, key, (entryKey: string) => {
            writer.writeString(MAP_KEY, entryKey);
            writeValueField(MAP_VALUE, object[entryKey], writer);
        });
    }
}

function writeValueField(field: number, value: unknown, writer: BinaryWriter): void {
    if (value === null) {
        writer.writeBytes(field, NULL_VALUE_MESSAGE);
    } else if (value === undefined) {
        // `writeMessage` would write nothing; `Value.fromJavaScript` refuses it.
        writeValue(value, writer);
    } else {
        writer.writeMessage(field, value, writeValue);
    }
}

/** A non-null value's `Value` message. */
function writeValue(value: unknown, writer: BinaryWriter): void {
    switch (typeof value) {
        case "string":
            writer.writeString(VALUE_STRING, value);
            return;
        case "number":
            writer.writeDouble(VALUE_NUMBER, value);
            return;
        case "boolean":
            writer.writeBool(VALUE_BOOL, value);
            return;
        case "object":
            if (Array.isArray(value)) {
                writer.writeMessage(VALUE_LIST, value, writeList);
            } else {
                writer.writeMessage(VALUE_STRUCT, value as Record<string, unknown>, writeStruct);
            }
            return;
        default:
            throw new Error(`Unexpected struct type: ${typeof value}`);
    }
}

function writeList(values: readonly unknown[], writer: BinaryWriter): void {
    for (const value of values) {
        writeValueField(LIST_VALUES, value, writer);
    }
}

/**
 * A message serialized without some of its message-typed fields, with those fields appended as
 * already-serialized bytes. Protobuf parsers accept fields in any order, and an embedded message
 * is a length-delimited field like `bytes` (the protobuf encoding guide, "Embedded messages" and
 * "Field order"), so the result decodes to the message with every field set.
 */
export function withMessageFields(message: Uint8Array, fields: readonly (readonly [number, Uint8Array | undefined])[]): Buffer {
    const writer = new BinaryWriter();
    for (const [field, bytes] of fields) {
        if (bytes !== undefined) {
            writer.writeBytes(field, bytes);
        }
    }
    return Buffer.concat([message, writer.getResultBuffer()]);
}

/** A repeated message field (field `field` of the enclosing message) from each element's bytes. */
export function repeatedMessageField(field: number, elements: readonly Uint8Array[]): Buffer {
    const writer = new BinaryWriter();
    for (const element of elements) {
        writer.writeBytes(field, element);
    }
    return Buffer.from(writer.getResultBuffer());
}
