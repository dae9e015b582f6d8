package corsc.reports;

import edu.hm.hafner.analysis.FileReaderFactory;
import edu.hm.hafner.analysis.Issue;
import edu.hm.hafner.analysis.IssueParser;
import edu.hm.hafner.analysis.Report;
import edu.hm.hafner.analysis.parser.CheckStyleParser;
import edu.hm.hafner.analysis.parser.violations.JUnitAdapter;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * Reads one report with Warnings Next Generation's own parser and prints what it read, one JSON
 * object per line: first {"errors": [...], "counters": {...}}, then one object per issue.
 *
 * <p>Usage: {@code Main checkstyle|junit REPORT}, or {@code Main xsd SCHEMA REPORT}, which
 * validates REPORT against the XML Schema SCHEMA with the JDK's validator and prints
 * {"errors": [...]}. Exit 2 on a usage error; a report the parser or the schema refuses is
 * printed as its error messages (exit 0), for the test to assert on.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("xsd")) {
            validate(args[1], args[2]);
            return;
        }
        if (args.length != 2) {
            System.err.println("usage: Main checkstyle|junit REPORT | Main xsd SCHEMA REPORT");
            System.exit(2);
        }
        IssueParser parser;
        switch (args[0]) {
            case "checkstyle":
                parser = new CheckStyleParser();
                break;
            case "junit":
                parser = new JUnitAdapter();
                break;
            default:
                System.err.println("unknown format " + args[0]);
                System.exit(2);
                return;
        }
        Report report = parser.parse(new FileReaderFactory(Path.of(args[1]), StandardCharsets.UTF_8));
        StringBuilder head = new StringBuilder("{\"errors\":[");
        String sep = "";
        for (String e : report.getErrorMessages()) {
            head.append(sep).append(json(e));
            sep = ",";
        }
        head.append("],\"counters\":{");
        sep = "";
        for (String c : new String[] {
                JUnitAdapter.TOTAL_TESTS, JUnitAdapter.PASSED_TESTS, JUnitAdapter.FAILED_TESTS}) {
            if (report.hasCounter(c)) {
                head.append(sep).append(json(c)).append(':').append(report.getCounter(c));
                sep = ",";
            }
        }
        head.append("}}");
        System.out.println(head);
        for (Issue i : report) {
            System.out.println("{\"file\":" + json(i.getFileName())
                    + ",\"line\":" + i.getLineStart()
                    + ",\"column\":" + i.getColumnStart()
                    + ",\"severity\":" + json(i.getSeverity().getName())
                    + ",\"category\":" + json(i.getCategory())
                    + ",\"type\":" + json(i.getType())
                    + ",\"message\":" + json(i.getMessage())
                    + ",\"description\":" + json(i.getDescription()) + "}");
        }
    }

    /** Prints every warning, error and fatal error of validating {@code report}. */
    private static void validate(String schema, String report) throws Exception {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        Validator validator = factory.newSchema(new File(schema)).newValidator();
        List<String> problems = new ArrayList<>();
        validator.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
                problems.add(where(e));
            }

            @Override
            public void error(SAXParseException e) {
                problems.add(where(e));
            }

            @Override
            public void fatalError(SAXParseException e) {
                problems.add(where(e));
            }
        });
        try {
            validator.validate(new StreamSource(new File(report)));
        } catch (SAXParseException e) {
            // Already reported to the handler; validation stops at a fatal error.
        }
        StringBuilder out = new StringBuilder("{\"errors\":[");
        String sep = "";
        for (String p : problems) {
            out.append(sep).append(json(p));
            sep = ",";
        }
        System.out.println(out.append("]}"));
    }

    private static String where(SAXParseException e) {
        return e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage();
    }

    /** {@code s} as a JSON string, every character outside printable ASCII as a \\u escape. */
    private static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
