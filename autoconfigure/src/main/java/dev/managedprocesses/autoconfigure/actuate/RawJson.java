package dev.managedprocesses.autoconfigure.actuate;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonValue;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * A JSON document serialized ahead, that Jackson (2 or 3) writes verbatim: a large
 * response shared by many callers is then serialized once, not once per request. An
 * {@link OperationResponseBody}, so that the web layer picks the same mapper for it as
 * for the descriptor it stands for.
 *
 * @param json the document
 */
record RawJson(@JsonValue @JsonRawValue String json) implements OperationResponseBody {

}
