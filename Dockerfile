# Build: docker build -t vyoma .   Run: docker run -p 8080:8080 -v vyoma-data:/data vyoma
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app vyoma && mkdir -p /app /data && chown vyoma /data
WORKDIR /app
COPY --from=build /src/target/vyoma.jar /app/vyoma.jar
USER vyoma
ENV VYOMA_DATA_DIR=/data \
    VYOMA_HTTP_PORT=8080
# 8080: the API; 5701: Hazelcast, between clustered nodes
EXPOSE 8080 5701
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \
  CMD curl -fsS http://localhost:8080/health || exit 1
# java -jar takes the --add-opens Hazelcast needs from the jar's manifest (Add-Opens, Add-Exports).
# Add --cluster (and VYOMA_CLUSTER_* settings) to run clustered nodes.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/vyoma.jar"]
